// Shared set-up for the conformance suite: an in-process emulator whose CA this process
// trusts, and the real SDK clients pointed at it (only the endpoints change).
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { LogicManagementClient } from '@azure/arm-logic';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { type Emulator, type StartEmulatorOptions, startEmulator } from '../../src/index.ts';

export const KEY_VAULT_SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
export const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

export const DEFINITION = {
  $schema:
    'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  parameters: {},
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {},
  outputs: {},
};

/** Node 24: add the emulator's CA to this process's default trust store (no rejectUnauthorized tricks). */
export function trustCa(caPem: string): void {
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), caPem]);
}

export interface Harness {
  emu: Emulator;
  credential: TokenCredential;
  logic: LogicManagementClient;
  keyVault: KeyVaultManagementClient;
  authorization: AuthorizationManagementClient;
  msi: ManagedServiceIdentityClient;
  /** A raw ARM call with the operator's token (for APIs without an installed SDK, e.g. resource groups). */
  arm(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; headers: Headers; body: unknown }>;
}

export async function startHarness(options: StartEmulatorOptions = {}): Promise<Harness> {
  const emu = await startEmulator({ seed: 'demo', ...options });
  trustCa(emu.caCertPem);
  const credential = operatorCredential(emu);
  const endpoint = emu.armEndpoint;
  const harness: Harness = {
    emu,
    credential,
    logic: new LogicManagementClient(credential, emu.subscriptionId, { endpoint }),
    keyVault: new KeyVaultManagementClient(credential, emu.subscriptionId, { endpoint }),
    authorization: new AuthorizationManagementClient(credential, emu.subscriptionId, { endpoint }),
    msi: new ManagedServiceIdentityClient(credential, emu.subscriptionId, { endpoint }),
    arm: async (method, path, body) => {
      const token = await credential.getToken(`${endpoint}/.default`);
      const response = await fetch(`${endpoint}${path}`, {
        method,
        headers: { authorization: `Bearer ${token?.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
    },
  };
  return harness;
}

export function operatorCredential(emu: Emulator): ClientSecretCredential {
  // MSAL's instance discovery always goes to login.microsoftonline.com; a custom authority
  // host needs it off (azure-wire.md §0.3).
  return new ClientSecretCredential(emu.tenantId, emu.operatorClientId, emu.operatorClientSecret, {
    authorityHost: emu.authorityHost,
    disableInstanceDiscovery: true,
  });
}

/** The RestError fields the SDKs surface, for `rejects.toMatchObject`. */
export function armError(statusCode: number, code: string) {
  return { statusCode, code };
}

const FIXTURES = new URL('../fixtures/azure-examples/', import.meta.url);

/** A response body from the Azure REST examples copied into fixtures/azure-examples. */
export function fixtureBody(file: string, status = '200'): unknown {
  const example = JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as {
    responses: Record<string, { body?: unknown }>;
  };
  return example.responses[status]?.body;
}

const DATA_MAPS = new Set(['tags', 'definition', 'parameters']);

/**
 * The paths present in `expected` (an Azure example) that are missing from `actual` or have
 * another JSON type. Arrays are compared through their first elements. `optional` lists
 * dotted paths the emulator legitimately leaves out (e.g. integration accounts never set).
 */
export function shapeDifferences(
  actual: unknown,
  expected: unknown,
  optional: string[] = [],
  at = '',
): string[] {
  if (optional.includes(at)) return [];
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(expected) !== kind(actual))
    return [`${at || '<root>'}: expected ${kind(expected)}, got ${kind(actual)}`];
  // Maps whose keys are data, not shape: only their type is compared.
  if (DATA_MAPS.has(at.split('.').at(-1) ?? '')) return [];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length > 0 && actual.length > 0
      ? shapeDifferences(actual[0], expected[0], optional, `${at}[]`)
      : [];
  }
  if (kind(expected) !== 'object') return [];
  const a = actual as Record<string, unknown>;
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) => {
    const child = at ? `${at}.${key}` : key;
    if (optional.includes(child)) return [];
    if (!(key in a)) return [`${child}: missing`];
    return shapeDifferences(a[key], value, optional, child);
  });
}

export interface RawCapture {
  /** Pass as the SDK call's options: records every raw response of that call. */
  options: { onResponse: (response: { status: number; bodyAsText?: string | null }) => void };
  responses: { status: number; body: unknown }[];
  last(): { status: number; body: unknown };
}

/** Captures the raw HTTP responses behind an SDK call (the SDK's models drop and flatten fields). */
export function captureRaw(): RawCapture {
  const responses: { status: number; body: unknown }[] = [];
  return {
    options: {
      onResponse: (response) => {
        const text = response.bodyAsText;
        responses.push({ status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined });
      },
    },
    responses,
    last: () => {
      const last = responses.at(-1);
      if (!last) throw new Error('No response was captured');
      return last;
    },
  };
}

/** An ARM id path under the emulator's subscription. */
export function rgPath(emu: Emulator, resourceGroup: string): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** Admin API call (no auth: the admin surface is local-only by design). */
export async function admin(
  emu: Emulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${emu.adminEndpoint}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}
