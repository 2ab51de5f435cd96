// Stalled outcomes of the LogicAppWorkflow controller against a real API server and the
// emulator: things a human must fix are Stalled (kstatus Failed) with a reason from the shared
// vocabulary and a message that says what to do, and clear once fixed.

import { CoreV1Api } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_MAP_RESOURCE, NAMESPACE_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { GROUP, VERSION } from '../../../../src/crds/index.ts';
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
  readWorkflow,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  workflowManifest,
  workflowWrites,
} from './support/workflow-operator.ts';

const RG = DEMO_RESOURCE_GROUP;

describe('LogicAppWorkflow controller: stalled until a human acts', () => {
  let env: WorkflowOperatorEnv;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);

  async function waitStalled(name: string, reason: string) {
    return eventually(async () => {
      const workflow = await readWorkflow(env, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'False', reason });
      expect(condition(workflow, 'Stalled')).toMatchObject({ status: 'True', reason });
      expect(condition(workflow, 'Reconciling')).toBeUndefined();
      expect(computeKstatus(workflow!)).toBe('Failed');
      return workflow!;
    }, 30_000);
  }
  async function waitReady(name: string) {
    return eventually(async () => {
      const workflow = await readWorkflow(env, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True' });
      return workflow!;
    }, 30_000);
  }
  const spec = (extra: Record<string, unknown> = {}) => ({
    subscriptionId: env.emu.subscriptionId,
    ...extra,
  });

  beforeAll(async () => {
    env = await startWorkflowOperator({
      prefix: 'law-stalled',
      allowedResourceGroups: (root) => `${root}/resourceGroups/${RG}, ${root}/resourceGroups/missing-rg`,
      quota: { workflowsPerRegion: 3, managedIdentityWorkflowsPerSubscriptionRegion: 1000 },
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it("leaves an existing workflow without our owner tag alone (AlreadyOwned) until adopted with an admin's consent", async () => {
    await env.logic.workflows.createOrUpdate(RG, 'legacy', {
      location: 'westeurope',
      tags: { team: 'legacy' },
      definition: DEFINITION,
    });
    const writes = workflowWrites(env);
    await createWorkflow(env, workflowManifest(env.namespace, 'legacy', spec()));
    const stalled = await waitStalled('legacy', 'AlreadyOwned');
    expect(condition(stalled, 'Ready')?.message).toContain('logicops.io/adopt');
    expect(workflowWrites(env)).toBe(writes);
    expect((await env.logic.workflows.get(RG, 'legacy')).tags).toEqual({ team: 'legacy' });

    // The team's own annotation is not enough: adoption is a cluster admin's decision too.
    await annotate(env, 'legacy', { 'logicops.io/adopt': 'true', 'logicops.io/reconcile-request': 'adopt' });
    await eventually(async () => {
      const workflow = await readWorkflow(env, 'legacy');
      expect(workflow?.status?.lastHandledReconcileRequest).toBe('adopt');
      expect(condition(workflow, 'Stalled')).toMatchObject({ reason: 'AlreadyOwned' });
      expect(condition(workflow, 'Ready')?.message).toContain('logicops.io/allow-adoption');
    });
    expect(workflowWrites(env)).toBe(writes);

    await env.kube.patch(NAMESPACE_RESOURCE, { name: env.namespace }, PatchStrategy.MergePatch, {
      metadata: { annotations: { 'logicops.io/allow-adoption': 'true' } },
    });
    const ready = await waitReady('legacy');
    expect((await env.logic.workflows.get(RG, 'legacy')).tags?.['logicops-owner']).toBe(
      `${CLUSTER_ID}/${env.namespace}/legacy`,
    );
    expect(ready.status?.identity?.principalId).toBeTruthy();
  });

  it("never deletes another owner's workflow when the object goes away", async () => {
    await env.logic.workflows.createOrUpdate(RG, 'theirs', {
      location: 'westeurope',
      tags: { 'logicops-owner': 'other-cluster/other/theirs' },
      definition: DEFINITION,
    });
    await createWorkflow(env, workflowManifest(env.namespace, 'theirs', spec()));
    const stalled = await waitStalled('theirs', 'AlreadyOwned');
    expect(condition(stalled, 'Ready')?.message).toContain('other-cluster/other/theirs');
    await env.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural: 'logicappworkflows',
      name: 'theirs',
    });
    await eventually(async () => expect(await readWorkflow(env, 'theirs')).toBeUndefined());
    expect((await env.logic.workflows.get(RG, 'theirs')).tags?.['logicops-owner']).toBe(
      'other-cluster/other/theirs',
    );
  });

  it('refuses a resource group the namespace policy does not allow, without calling Azure', async () => {
    const requestsBefore = env.emu.counters().total;
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'elsewhere', spec({ resourceGroup: 'other-team-rg' })),
    );
    const stalled = await waitStalled('elsewhere', 'NamespacePolicyDenied');
    expect(condition(stalled, 'Ready')?.message).toContain('logicops.io/allowed-resource-groups');
    expect(env.emu.counters().total).toBe(requestsBefore);
  });

  it('reports a missing resource group as ResourceGroupNotFound', async () => {
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'nowhere', spec({ resourceGroup: 'missing-rg' })),
    );
    const stalled = await waitStalled('nowhere', 'ResourceGroupNotFound');
    expect(condition(stalled, 'Ready')?.message).toMatch(/create it/);
  });

  it('does not create a workflow that would exceed the per-region quota', async () => {
    for (const name of ['ne-1', 'ne-2', 'ne-3']) {
      await env.logic.workflows.createOrUpdate(RG, name, { location: 'northeurope', definition: DEFINITION });
    }
    const writes = workflowWrites(env);
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'one-too-many', spec({ location: 'northeurope' })),
    );
    const stalled = await waitStalled('one-too-many', 'QuotaExceeded');
    expect(condition(stalled, 'QuotaAvailable')).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(stalled.status?.quota?.[0]).toMatchObject({ name: 'WorkflowsPerRegion', used: 3, limit: 3 });
    expect(workflowWrites(env)).toBe(writes);

    await env.logic.workflows.delete(RG, 'ne-1');
    await annotate(env, 'one-too-many', { 'logicops.io/reconcile-request': 'freed-1' });
    const ready = await waitReady('one-too-many');
    expect(condition(ready, 'QuotaAvailable')).toMatchObject({ status: 'True', reason: 'WithinLimit' });
  });

  it('holds an invalid ConfigMap definition as InvalidSpec until the ConfigMap is fixed', async () => {
    await core.createNamespacedConfigMap({
      namespace: env.namespace,
      body: { metadata: { name: 'broken' }, data: { 'workflow.json': '{ not json' } },
    });
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'broken', {
        ...spec(),
        definition: undefined,
        definitionFrom: { configMapKeyRef: { name: 'broken', key: 'workflow.json' } },
      }),
    );
    const stalled = await waitStalled('broken', 'InvalidSpec');
    expect(condition(stalled, 'Ready')?.message).toContain('not valid JSON');
    expect(condition(stalled, 'Ready')?.message).not.toContain('{ not json');

    await env.kube.patch(
      CONFIG_MAP_RESOURCE,
      { namespace: env.namespace, name: 'broken' },
      PatchStrategy.MergePatch,
      {
        data: { 'workflow.json': JSON.stringify(DEFINITION) },
      },
    );
    await waitReady('broken');
  });
});
