// An emulator per test file, reached only through logicops' own credential builder, client
// factory and gateways — the same code path the operator uses against Azure.

import { type Emulator, type StartEmulatorOptions, startEmulator } from '@logicops/azure-emulator';
import { trustCa } from '@logicops/azure-emulator/test-support/harness';
import {
  type AzureCallObserver,
  type AzureCallRecord,
  AzureCalls,
  type AzureClients,
  type AzureGateways,
  createAzureClients,
  createAzureGateways,
  createCredential,
} from '../../../src/azure/index.ts';

export interface AzureTestbed {
  emu: Emulator;
  clients: AzureClients;
  gateways: AzureGateways;
  /** Every call the gateways made, in order. */
  records: AzureCallRecord[];
  /** Set to make the next writes fail the fencing check. */
  fence: { leader: boolean };
  close(): Promise<void>;
}

export async function startTestbed(options: StartEmulatorOptions = {}): Promise<AzureTestbed> {
  const emu = await startEmulator({ seed: 'demo', ...options });
  trustCa(emu.caCertPem);
  const clients = operatorClients(emu);
  const records: AzureCallRecord[] = [];
  const fence = { leader: true };
  const observer: AzureCallObserver = {
    beforeWrite(operation) {
      if (!fence.leader) throw new Error(`Not the leader: refusing ${operation}`);
    },
    callCompleted: (record) => records.push(record),
  };
  const gateways = createAzureGateways(clients, new AzureCalls({ observer }));
  return { emu, clients, gateways, records, fence, close: () => emu.close() };
}

/**
 * The operator's SDK clients on `emu`: a fresh credential (no cached token, no MSAL state) and no
 * SDK retries, so each test sees exactly what the emulator answered.
 */
export function operatorClients(
  emu: Emulator,
  userAgent?: { version: string; instance: string },
  /** The credential's clock (how long it honours a throttling answer); default Date.now. */
  now?: () => number,
): AzureClients {
  const credential = createCredential(
    {
      kind: 'clientSecret',
      tenantId: emu.tenantId,
      clientId: emu.operatorClientId,
      clientSecret: emu.operatorClientSecret,
    },
    { authorityHost: emu.authorityHost, ...(now ? { now } : {}) },
  );
  return createAzureClients({
    armEndpoint: emu.armEndpoint,
    subscriptionId: emu.subscriptionId,
    credential,
    maxRetries: 0,
    ...(userAgent ? { userAgent } : {}),
  });
}

/** The ARM requests the emulator saw after `since` (a request-log sequence number). */
export function armRequestsSince(
  emu: Emulator,
  since: number,
): { method: string; path: string; status: number }[] {
  return emu
    .requests(since)
    .filter((r) => r.path.startsWith('/subscriptions') || r.path.startsWith('/providers'))
    .map((r) => ({ method: r.method, path: r.path, status: r.status }));
}

export function lastSeq(emu: Emulator): number {
  return emu.requests().at(-1)?.seq ?? 0;
}

export const DEFINITION = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  parameters: { secretUri: { type: 'String', defaultValue: '' } },
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {},
  outputs: {},
};
