// Issue 20, item 5: nothing a team writes makes the operator hold more than the limits allow.
// Against a real API server and the emulator: an inline definition over the size limit and one
// nested 3,000 levels deep reach Stalled InvalidSpec (terminal) without an Azure call and stay
// deletable; a ConfigMap value over the limit is refused the same way until it is fixed; and a
// 1 MiB ConfigMap that no workflow references is never read, only its metadata is cached.
// What the operator holds is read from its own caches (the informers the wiring builds), and
// what it asked for from its client's GETs and the emulator's request log, never from timing.
//
// The limits (src/controllers/logic-app-workflow/spec-limits.ts) sit at or below Azure's own:
// "Limits and configuration reference for Azure Logic Apps", Workflow definition limits
// (https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config#definition-limits:
// 500 actions, actions nested 8 deep) and ARM's 1 MB per resource definition
// (https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices).
import { CoreV1Api } from '@kubernetes/client-node';
import { DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELD_BACK, heldBackOf } from '../../../../src/controllers/logic-app-workflow/spec-limits.ts';
import { CONFIG_MAP_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { GROUP, VERSION } from '../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../src/runtime/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig, kubectl } from '../../support/cluster.ts';
import {
  condition,
  createWorkflow,
  DEFINITION,
  readWorkflow,
  startWorkflowOperator,
  type WorkflowOperatorEnv,
  workflowManifest,
} from './support/workflow-operator.ts';

const RG = DEMO_RESOURCE_GROUP;
/** The API server's limit on a ConfigMap's data (ConfigMap validation: 1 MiB). */
const CONFIG_MAP_MAX_BYTES = 1024 * 1024;

describe('LogicAppWorkflow controller: bounded memory', () => {
  let env: WorkflowOperatorEnv;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const key = (name: string) => `${env.namespace}/${name}`;
  /** Every request the emulator saw for this Azure workflow name. */
  const azureRequestsFor = (name: string) =>
    env.emu.requests().filter((request) => request.path.toLowerCase().endsWith(`/workflows/${name}`));

  async function waitStalledInvalid(name: string) {
    return eventually(async () => {
      const workflow = await readWorkflow(env, name);
      expect(condition(workflow, 'Stalled')).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
      expect(computeKstatus(workflow!)).toBe('Failed');
      return workflow!;
    }, 30_000);
  }
  async function waitReady(name: string) {
    return eventually(async () => {
      const workflow = await readWorkflow(env, name);
      expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
      return workflow!;
    }, 30_000);
  }
  async function deleteAndWaitGone(name: string) {
    await env.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: env.namespace,
      plural: 'logicappworkflows',
      name,
    });
    await eventually(async () => expect(await readWorkflow(env, name)).toBeUndefined(), 30_000);
  }

  beforeAll(async () => {
    env = await startWorkflowOperator({ prefix: 'law-memory' });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('holds an inline definition over the size limit as InvalidSpec, without calling Azure, and deletes it', async () => {
    const definition = {
      ...DEFINITION,
      actions: { Big: { type: 'Compose', inputs: 'x'.repeat(300 * 1024) } },
    };
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'oversized', { subscriptionId: env.emu.subscriptionId, definition }),
    );
    const stalled = await waitStalledInvalid('oversized');
    expect(condition(stalled, 'Stalled')?.message).toMatch(
      /^spec\.definition is 307,[\d]{3} bytes of JSON \(the limit is 262,144\)\. /,
    );
    expect(stalled.metadata.finalizers).toEqual(['logicops.io/finalizer']);
    // The cache holds the object without its definition.
    const cached = env.informers.workflows.get(key('oversized'));
    expect(cached?.spec.definition).toBeUndefined();
    expect(heldBackOf(cached!)?.message).toBe(condition(stalled, 'Stalled')?.message);
    expect(JSON.stringify(cached).length).toBeLessThan(10_000);
    expect(azureRequestsFor('oversized')).toEqual([]);

    await deleteAndWaitGone('oversized');
  });

  it('holds a definition nested 3,000 levels deep as InvalidSpec, keeps serving others, and deletes it', async () => {
    // Built as text: JSON.stringify recurses, and so does client-node's serializer.
    const depth = 3_000;
    const deep = `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    const manifest = workflowManifest(env.namespace, 'deep', {
      subscriptionId: env.emu.subscriptionId,
      definition: { placeholder: true },
    });
    await kubectl(['create', '-f', '-'], JSON.stringify(manifest).replace('{"placeholder":true}', deep));

    const stalled = await waitStalledInvalid('deep');
    expect(condition(stalled, 'Stalled')?.message).toMatch(
      /^spec\.definition is nested 3,000 levels deep \(the limit is 64\)\. /,
    );
    expect(env.informers.workflows.get(key('deep'))?.spec.definition).toBeUndefined();
    expect(azureRequestsFor('deep')).toEqual([]);

    // The workflow cache still works for everyone else in the namespace.
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'neighbour', { subscriptionId: env.emu.subscriptionId }),
    );
    await waitReady('neighbour');

    // Deletion is not pinned by the definition: cleanup runs and the finalizer goes.
    await deleteAndWaitGone('deep');
  });

  it('ignores a held-back mark written into a manifest: the API server prunes it', async () => {
    const manifest = {
      ...workflowManifest(env.namespace, 'forged-mark', { subscriptionId: env.emu.subscriptionId }),
      [HELD_BACK]: { message: 'forged' },
    };
    await createWorkflow(env, manifest);
    const ready = await waitReady('forged-mark');
    expect(HELD_BACK in ready).toBe(false);
    expect(heldBackOf(env.informers.workflows.get(key('forged-mark'))!)).toBeUndefined();
  });

  it('refuses a ConfigMap value over the size limit before parsing it, until the ConfigMap is fixed', async () => {
    const tooBig = { ...DEFINITION, actions: { Big: { type: 'Compose', inputs: 'y'.repeat(300 * 1024) } } };
    await core.createNamespacedConfigMap({
      namespace: env.namespace,
      body: { metadata: { name: 'too-big-definition' }, data: { 'workflow.json': JSON.stringify(tooBig) } },
    });
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'from-too-big', {
        subscriptionId: env.emu.subscriptionId,
        definition: undefined,
        definitionFrom: { configMapKeyRef: { name: 'too-big-definition', key: 'workflow.json' } },
      }),
    );
    const stalled = await waitStalledInvalid('from-too-big');
    expect(condition(stalled, 'Stalled')?.message).toMatch(
      new RegExp(
        `^ConfigMap ${env.namespace}/too-big-definition key 'workflow\\.json' is 307,[\\d]{3} bytes of JSON \\(the limit is 262,144\\)\\. .*update the ConfigMap\\.$`,
      ),
    );
    expect(azureRequestsFor('from-too-big').filter((request) => request.method === 'PUT')).toEqual([]);

    // Fixing the ConfigMap alone (the workflow's generation does not move) retries the terminal workflow.
    const fixed = { ...DEFINITION, actions: { Small: { type: 'Compose', inputs: 'fits' } } };
    await env.kube.patch(
      CONFIG_MAP_RESOURCE,
      { namespace: env.namespace, name: 'too-big-definition' },
      PatchStrategy.MergePatch,
      { data: { 'workflow.json': JSON.stringify(fixed) } },
    );
    await waitReady('from-too-big');
    expect((await env.logic.workflows.get(RG, 'from-too-big')).definition).toEqual(fixed);
  });

  it('never reads, and caches only the metadata of, a 1 MiB ConfigMap that no workflow references', async () => {
    const big = (fill: string) => ({
      metadata: { name: 'unreferenced-big' },
      data: { 'blob.txt': fill.repeat(CONFIG_MAP_MAX_BYTES - 100) },
    });
    await core.createNamespacedConfigMap({ namespace: env.namespace, body: big('a') });
    // A workflow that references another ConfigMap, so the controller does read ConfigMaps.
    await core.createNamespacedConfigMap({
      namespace: env.namespace,
      body: { metadata: { name: 'small-definition' }, data: { 'workflow.json': JSON.stringify(DEFINITION) } },
    });
    await createWorkflow(
      env,
      workflowManifest(env.namespace, 'from-small', {
        subscriptionId: env.emu.subscriptionId,
        definition: undefined,
        definitionFrom: { configMapKeyRef: { name: 'small-definition', key: 'workflow.json' } },
      }),
    );
    await waitReady('from-small');
    // A change to the big one reaches the cache as a new resourceVersion, and nothing else.
    await core.replaceNamespacedConfigMap({
      namespace: env.namespace,
      name: 'unreferenced-big',
      body: big('b'),
    });
    const current = await core.readNamespacedConfigMap({
      namespace: env.namespace,
      name: 'unreferenced-big',
    });
    await eventually(() =>
      expect(env.informers.configMaps.get(key('unreferenced-big'))?.metadata?.resourceVersion).toBe(
        current.metadata?.resourceVersion,
      ),
    );

    const stub = env.informers.configMaps.get(key('unreferenced-big'));
    expect(stub).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: {
        name: 'unreferenced-big',
        namespace: env.namespace,
        uid: current.metadata?.uid,
        resourceVersion: current.metadata?.resourceVersion,
      },
    });
    expect(JSON.stringify(stub).length).toBeLessThan(500);
    expect(env.operatorGets).toContain(`configmaps ${key('small-definition')}`);
    expect(env.operatorGets.filter((get) => get.includes('unreferenced-big'))).toEqual([]);
  });
});
