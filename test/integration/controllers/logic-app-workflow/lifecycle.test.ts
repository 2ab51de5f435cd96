// The LogicAppWorkflow controller against a real API server and the Azure emulator over HTTPS
// (real SDK clients): create → Ready, secret URI injection and secured run history, a
// ConfigMap-sourced definition, no write when in sync, drift restored, paused, and deletion
// with and without a binding holding a grant, and Orphan. Azure-side claims are judged from
// the emulator, through the SDK, never from the operator's own status.
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ClientSecretCredential } from '@azure/identity';
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_MAP_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { GROUP, type GrantRecord, VERSION } from '../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../src/runtime/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import {
  annotate,
  CLUSTER_ID,
  condition,
  createWorkflow,
  DEFINITION,
  keyVaultDefinition,
  readWorkflow,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  workflowManifest,
  workflowWrites,
} from './support/workflow-operator.ts';

const RG = DEMO_RESOURCE_GROUP;
const SECURE = { secureData: { properties: ['inputs', 'outputs'] } };
type Actions = Record<string, { runtimeConfiguration?: unknown }>;

describe('LogicAppWorkflow controller: lifecycle', () => {
  let env: WorkflowOperatorEnv;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const vaultId = () =>
    `/subscriptions/${env.emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
  const azureWorkflow = (name: string) => env.logic.workflows.get(RG, name);
  const azureWorkflowExists = (name: string) =>
    azureWorkflow(name).then(
      () => true,
      (error: { statusCode?: number }) => {
        if (error.statusCode === 404) return false;
        throw error;
      },
    );
  async function waitReady(name: string) {
    return eventually(async () => {
      const workflow = await readWorkflow(env, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      expect(workflow?.status?.observedGeneration).toBe(workflow?.metadata.generation);
      return workflow!;
    }, 30_000);
  }
  async function createBinding(name: string, workflow: string, parameterName?: string) {
    await env.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural: 'vaultsecretbindings',
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'VaultSecretBinding',
        metadata: { name, namespace: env.namespace },
        spec: {
          workflowRef: { name: workflow },
          vaultId: vaultId(),
          secretName: DEMO_SECRET_NAME,
          ...(parameterName ? { parameterName } : {}),
        },
      },
    });
  }
  /** What the binding controller records in the operator's records when it grants, and removes after revoking. */
  async function setGrant(binding: string, grant: GrantRecord | null) {
    if (grant) await env.records.write('grant', { namespace: env.namespace, name: binding }, grant);
    else await env.records.remove('grant', env.namespace, binding);
  }
  async function deleteWorkflowObject(name: string) {
    await env.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural: 'logicappworkflows',
      name,
    });
  }

  beforeAll(async () => {
    env = await startWorkflowOperator({ prefix: 'law-lifecycle' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('creates the workflow once, Ready with its principal, owner tag, injected secret URI and secured run history', async () => {
    // The binding exists first, as when both are applied together; it never gets a status here.
    await createBinding('api-key', 'partner', 'apiKeyUri');
    const writesBefore = workflowWrites(env);
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'partner', {
        subscriptionId: env.emu.subscriptionId,
        definition: keyVaultDefinition('apiKeyUri'),
        tags: { team: 'partners' },
      }),
    );
    const workflow = await waitReady('partner');
    expect(computeKstatus(workflow)).toBe('Current');

    const azure = await azureWorkflow('partner');
    expect(azure.tags).toEqual({
      team: 'partners',
      'logicops-owner': `${CLUSTER_ID}/${env.namespace}/partner`,
    });
    expect(azure.identity?.type).toBe('SystemAssigned');
    expect(workflow.status?.identity).toMatchObject({
      type: 'SystemAssigned',
      principalId: azure.identity?.principalId,
      tenantId: env.emu.tenantId,
    });
    expect(workflow.status?.resourceId?.toLowerCase()).toBe(azure.id?.toLowerCase());
    expect(workflow.status?.accessEndpoint).toBe(azure.accessEndpoint);
    expect(workflow.status?.provisioningState).toBe('Succeeded');
    expect(azure.parameters?.apiKeyUri?.value).toBe(
      `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/secrets/${DEMO_SECRET_NAME}`,
    );
    const actions = (azure.definition as { actions: Actions }).actions;
    for (const name of ['Get_secret', 'Call_partner'])
      expect(actions[name]?.runtimeConfiguration).toEqual(SECURE);
    // Compose has secure inputs only, which hide its outputs too (Microsoft Learn, "Secure access
    // and data in Azure Logic Apps" #obfuscate); the emulator refuses "outputs" on it.
    expect(actions.Parse?.runtimeConfiguration).toEqual({ secureData: { properties: ['inputs'] } });
    expect(actions.Unrelated?.runtimeConfiguration).toBeUndefined();
    // Resolved before the first PUT: written exactly once.
    expect(workflowWrites(env) - writesBefore).toBe(1);
    expect(condition(workflow, 'QuotaAvailable')).toMatchObject({ status: 'True', reason: 'WithinLimit' });
    expect(workflow.status?.quota?.map((q) => q.name)).toEqual([
      'WorkflowsPerRegion',
      'ManagedIdentityWorkflowsPerSubscriptionRegion',
    ]);
  });

  it('does not write when Azure is in sync, and echoes the reconcile request', async () => {
    const writesBefore = workflowWrites(env);
    await annotate(env, 'partner', { 'logicops.io/reconcile-request': 'in-sync-1' });
    await eventually(async () => {
      expect((await readWorkflow(env, 'partner'))?.status?.lastHandledReconcileRequest).toBe('in-sync-1');
    });
    expect(workflowWrites(env)).toBe(writesBefore);
  });

  it('restores a workflow changed out of band, with an Event', async () => {
    const azure = await azureWorkflow('partner');
    // Someone disables the workflow and turns secure outputs off in the portal.
    const definition = structuredClone(azure.definition) as { actions: Actions };
    delete definition.actions.Get_secret?.runtimeConfiguration;
    await env.logic.workflows.createOrUpdate(RG, 'partner', { ...azure, state: 'Disabled', definition });
    await annotate(env, 'partner', { 'logicops.io/reconcile-request': 'drift-1' });
    await eventually(async () => {
      const restored = await azureWorkflow('partner');
      expect(restored.state).toBe('Enabled');
      expect((restored.definition as { actions: Actions }).actions.Get_secret?.runtimeConfiguration).toEqual(
        SECURE,
      );
    });
    await eventually(async () => {
      const events = await adminKubeConfig()
        .makeApiClient(EventsV1Api)
        .listNamespacedEvent({ namespace: env.namespace });
      const drift = events.items.find(
        (e) => e.reason === 'DriftCorrected' && e.regarding?.name === 'partner',
      );
      expect(drift?.note).toMatch(/state/);
      expect(drift?.note).toMatch(/definition/);
    });
  });

  it('restores drift at resync without being asked', async () => {
    const azure = await azureWorkflow('partner');
    await env.logic.workflows.createOrUpdate(RG, 'partner', { ...azure, state: 'Disabled' });
    await eventually(async () => expect((await azureWorkflow('partner')).state).toBe('Enabled'), 30_000);
  });

  it('waits for a missing ConfigMap, then creates the workflow from it', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'from-cm', {
        subscriptionId: env.emu.subscriptionId,
        definition: undefined,
        definitionFrom: { configMapKeyRef: { name: 'wf-definition', key: 'workflow.json' } },
      }),
    );
    await eventually(async () => {
      const workflow = await readWorkflow(env, 'from-cm');
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'False', reason: 'WaitingForConfigMap' });
      expect(condition(workflow, 'Reconciling')).toMatchObject({
        status: 'True',
        reason: 'WaitingForConfigMap',
      });
      expect(computeKstatus(workflow!)).toBe('InProgress');
    });
    expect(await azureWorkflowExists('from-cm')).toBe(false);

    const fromConfigMap = {
      ...DEFINITION,
      actions: { Hello: { type: 'Compose', inputs: 'from a ConfigMap' } },
    };
    await core.createNamespacedConfigMap({
      namespace: env.namespace,
      body: { metadata: { name: 'wf-definition' }, data: { 'workflow.json': JSON.stringify(fromConfigMap) } },
    });
    await waitReady('from-cm');
    expect((await azureWorkflow('from-cm')).definition).toEqual(fromConfigMap);

    // A change of the ConfigMap alone re-reconciles the workflow.
    const changed = { ...DEFINITION, actions: { Hello: { type: 'Compose', inputs: 'changed' } } };
    await env.kube.patch(
      CONFIG_MAP_RESOURCE,
      { namespace: env.namespace, name: 'wf-definition' },
      PatchStrategy.MergePatch,
      { data: { 'workflow.json': JSON.stringify(changed) } },
    );
    await eventually(async () => expect((await azureWorkflow('from-cm')).definition).toEqual(changed));
  });

  it('observes only while paused, and catches up when unpaused', async () => {
    await annotate(env, 'from-cm', { 'logicops.io/paused': 'true' });
    const azure = await azureWorkflow('from-cm');
    const writesBefore = workflowWrites(env);
    await env.logic.workflows.createOrUpdate(RG, 'from-cm', { ...azure, state: 'Disabled' });
    await annotate(env, 'from-cm', { 'logicops.io/reconcile-request': 'paused-1' });
    await eventually(async () => {
      const workflow = await readWorkflow(env, 'from-cm');
      expect(workflow?.status?.lastHandledReconcileRequest).toBe('paused-1');
      expect(condition(workflow, 'Ready')?.message).toMatch(/Paused: the Azure workflow differs in state/);
    });
    expect((await azureWorkflow('from-cm')).state).toBe('Disabled');
    expect(workflowWrites(env)).toBe(writesBefore + 1); // only the out-of-band write

    await annotate(env, 'from-cm', { 'logicops.io/paused': null });
    await eventually(async () => expect((await azureWorkflow('from-cm')).state).toBe('Enabled'));
    await waitReady('from-cm');
  });

  it("runs as a user-assigned identity and reports that identity's principal", async () => {
    const msi = new ManagedServiceIdentityClient(
      new ClientSecretCredential(env.emu.tenantId, env.emu.operatorClientId, env.emu.operatorClientSecret, {
        authorityHost: env.emu.authorityHost,
        disableInstanceDiscovery: true,
      }),
      env.emu.subscriptionId,
      { endpoint: env.emu.armEndpoint },
    );
    const identity = await msi.userAssignedIdentities.createOrUpdate(RG, 'shared-identity', {
      location: 'westeurope',
    });
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'as-uami', {
        subscriptionId: env.emu.subscriptionId,
        identity: { type: 'UserAssigned', userAssignedIdentityId: identity.id ?? '' },
      }),
    );
    const workflow = await waitReady('as-uami');
    expect(workflow.status?.identity).toMatchObject({
      type: 'UserAssigned',
      principalId: identity.principalId,
      tenantId: identity.tenantId,
    });
    const azure = await azureWorkflow('as-uami');
    expect(azure.identity?.type).toBe('UserAssigned');
    expect(Object.keys(azure.identity?.userAssignedIdentities ?? {}).map((id) => id.toLowerCase())).toEqual([
      identity.id?.toLowerCase(),
    ]);
  });

  it('deletes only after every binding has released its grant, then removes the finalizer', async () => {
    const principalId = (await readWorkflow(env, 'partner'))?.status?.identity?.principalId ?? '';
    await setGrant('api-key', {
      phase: 'Granted',
      principalId,
      vaultId: vaultId(),
      accessModel: 'AccessPolicy',
    });
    await deleteWorkflowObject('partner');
    await eventually(async () => {
      const workflow = await readWorkflow(env, 'partner');
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'False', reason: 'WaitingForBindings' });
      expect(condition(workflow, 'Reconciling')).toMatchObject({
        status: 'True',
        reason: 'WaitingForBindings',
      });
      expect(condition(workflow, 'Ready')?.message).toContain('api-key');
    });
    expect(await azureWorkflowExists('partner')).toBe(true);

    await setGrant('api-key', null); // what the binding controller does after revoking
    await eventually(async () => expect(await readWorkflow(env, 'partner')).toBeUndefined(), 30_000);
    expect(await azureWorkflowExists('partner')).toBe(false);
  });

  it('deletes a workflow without bindings straight away', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'plain', { subscriptionId: env.emu.subscriptionId }),
    );
    await waitReady('plain');
    await deleteWorkflowObject('plain');
    await eventually(async () => expect(await readWorkflow(env, 'plain')).toBeUndefined());
    expect(await azureWorkflowExists('plain')).toBe(false);
  });

  it('leaves Azure untouched with deletionPolicy Orphan', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'kept', {
        subscriptionId: env.emu.subscriptionId,
        deletionPolicy: 'Orphan',
      }),
    );
    await waitReady('kept');
    const writes = workflowWrites(env);
    const deletes = () => env.emu.counters().byOperation['Microsoft.Logic/workflows/delete']?.count ?? 0;
    const deletesBefore = deletes();
    await deleteWorkflowObject('kept');
    await eventually(async () => expect(await readWorkflow(env, 'kept')).toBeUndefined());
    expect(await azureWorkflowExists('kept')).toBe(true);
    expect((await azureWorkflow('kept')).tags?.['logicops-owner']).toBe(
      `${CLUSTER_ID}/${env.namespace}/kept`,
    );
    expect(workflowWrites(env)).toBe(writes);
    expect(deletes()).toBe(deletesBefore);
  });
});
