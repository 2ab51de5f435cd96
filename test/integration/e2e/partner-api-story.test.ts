// The story logicops exists for (docs/design.md, "The end-to-end example"): a team applies a
// workflow and a binding — nothing else — and gets a Logic App whose managed identity can read
// exactly one secret through Key Vault's data plane, with the secret hidden from run history.
// Deleting the binding takes the access away; deleting the workflow leaves nothing behind.
// Every Azure-side claim is judged from the emulator, never from the operator's status.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT } from '@logicops/azure-emulator';
import { managedIdentityCredential, secretClient } from '@logicops/azure-emulator/test-support/data-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../../src/crds/index.ts';
import { GROUP, VERSION } from '../../../src/crds/index.ts';
import { eventually } from '../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../support/cluster.ts';
import { type OperatorEnv, startOperatorEnv } from '../support/operator-env.ts';

const SAMPLE = readFileSync(
  path.resolve(import.meta.dirname, '../../../config/samples/end-to-end/partner-api-workflow.yaml'),
  'utf8',
);
// What each action gets: Parse JSON has secure inputs only, which hide its outputs too (Microsoft
// Learn, "Secure access and data in Azure Logic Apps" #obfuscate); HTTP has both.
const SECURED: Record<string, string[]> = {
  Get_partner_API_key: ['inputs', 'outputs'],
  Parse_secret: ['inputs'],
  Call_partner_API: ['inputs', 'outputs'],
};
const WORKFLOW = 'partner-sync';
const BINDING = 'partner-sync-api-key';

interface Action {
  runtimeConfiguration?: { secureData?: { properties?: string[] } };
}

describe.each([
  { model: 'access policy', vault: DEMO_ACCESS_POLICY_VAULT },
  { model: 'RBAC', vault: DEMO_RBAC_VAULT },
])('the partner API story with $model', ({ model, vault }) => {
  let env: OperatorEnv;
  const manifests = SAMPLE.replace(`vaults/${DEMO_ACCESS_POLICY_VAULT}`, `vaults/${vault}`);
  const custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
  const read = async <T>(plural: string, name: string) =>
    (await custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural,
      name,
    })) as T;
  const isReady = (object: { status?: { conditions?: Array<{ type: string; status: string }> } }) =>
    object.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const emulatedWorkflows = () =>
    Object.values(env.emulator.state.workflows).filter((w) => w.name === WORKFLOW);
  const principalOf = () => {
    const identity = emulatedWorkflows()[0]?.identity;
    return identity?.type === 'SystemAssigned' ? identity.principalId : '';
  };
  const readSecretAsWorkflow = async (principalId: string) => {
    const vaultUri = `https://${vault}.vault.azure.net/`;
    const client = secretClient(env.emulator, vaultUri, managedIdentityCredential(env.emulator, principalId));
    return client.getSecret('partner-api-key').then(
      (secret) => ({ status: 200, hasValue: Boolean(secret.value) }),
      (error: { statusCode?: number }) => ({ status: error.statusCode ?? 0, hasValue: false }),
    );
  };

  beforeAll(async () => {
    env = await startOperatorEnv({ namespacePrefix: `e2e-${model === 'RBAC' ? 'rbac' : 'ap'}` });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('makes both objects Ready from nothing but the two manifests', async () => {
    await kubectl(['apply', '-n', env.namespace, '-f', '-'], manifests);
    await kubectl([
      'wait',
      '-n',
      env.namespace,
      '--for=condition=Ready',
      '--timeout=60s',
      'law,vsb',
      '--all',
    ]);
    expect(isReady(await read<LogicAppWorkflow>('logicappworkflows', WORKFLOW))).toBe(true);
    expect(isReady(await read<VaultSecretBinding>('vaultsecretbindings', BINDING))).toBe(true);
    const { body } = await env.operator.metrics.render();
    for (const controller of ['logic-app-workflow', 'vault-secret-binding']) {
      expect(body).toMatch(
        new RegExp(
          `controller_runtime_reconcile_total\\{controller="${controller}",result="success"\\} [1-9]`,
        ),
      );
    }
    expect(body).toMatch(/logicops_azure_requests_total\{operation="[^"]+",status="200"\} [1-9]/);
  });

  it('deploys one workflow with a system-assigned identity, the owner tag, the secret URI and secured run history', async () => {
    const [workflow, ...others] = emulatedWorkflows();
    expect(others).toHaveLength(0);
    expect(workflow?.identity?.type).toBe('SystemAssigned');
    expect(workflow?.tags['logicops-owner']).toBe(`test-cluster/${env.namespace}/${WORKFLOW}`);
    const properties = workflow?.properties as {
      definition: { actions: Record<string, Action> };
      parameters: Record<string, { value: unknown }>;
    };
    for (const [name, secured] of Object.entries(SECURED)) {
      expect(properties.definition.actions[name]?.runtimeConfiguration?.secureData?.properties).toEqual(
        secured,
      );
    }
    const binding = await read<VaultSecretBinding>('vaultsecretbindings', BINDING);
    expect(properties.parameters.partnerApiKeyUri?.value).toBe(
      `https://${vault}.vault.azure.net/secrets/partner-api-key`,
    );
    expect(binding.status?.secretUri).toBe(properties.parameters.partnerApiKeyUri?.value);
    const status = (await read<LogicAppWorkflow>('logicappworkflows', WORKFLOW)).status;
    expect(status?.identity?.principalId).toBe(principalOf());
    // Every action that handles the key can be secured: nothing is reported as exposed.
    expect(status?.exposedInRunHistory).toBeUndefined();
  });

  it("lets the workflow's identity read the secret through the data plane", async () => {
    expect(await readSecretAsWorkflow(principalOf())).toEqual({ status: 200, hasValue: true });
  });

  it('takes the access away when the binding is deleted', async () => {
    const principalId = principalOf();
    await kubectl(['delete', '-n', env.namespace, 'vsb', BINDING, '--wait=true', '--timeout=60s']);
    await eventually(async () => {
      expect(await readSecretAsWorkflow(principalId)).toEqual({ status: 403, hasValue: false });
    }, 30_000);
  });

  it('leaves no workflow, principal or grant behind when the workflow is deleted', async () => {
    const principalId = principalOf();
    await kubectl(['delete', '-n', env.namespace, 'law', WORKFLOW, '--wait=true', '--timeout=60s']);
    expect(emulatedWorkflows()).toHaveLength(0);
    expect(env.emulator.state.principals[principalId.toLowerCase()]).toBeUndefined();
    const vaultRecord = Object.values(env.emulator.state.vaults).find((v) => v.name === vault);
    expect(vaultRecord?.accessPolicies.some((entry) => entry.objectId === principalId)).toBe(false);
    const assignments = Object.values(env.emulator.state.roleAssignments).filter(
      (a) => a.principalId === principalId,
    );
    expect(assignments).toEqual([]);
  });
});
