// Issue 8 (LogicAppWorkflow), the "must show" items not covered elsewhere, against a real API
// server and the Azure emulator through the real SDK clients, with a full operator (both
// controllers, as `logicops run` wires them). Every Azure-side claim is judged from the
// emulator (state, counters, request log), never from the operator's status.
//
// Quota: stalled.test.ts covers a per-region limit reached by workflows made out of band, with
// the workflow controller alone and a reconcile-request nudge after freeing a slot. Here the
// limit is reached by the operator's own workflows under `--quota-workflows-per-region 2`, and
// deleting one of them must let the third through without any nudge.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RESOURCE_GROUP, DEMO_SECRET_NAME } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { computeKstatus } from '../../../../src/runtime/index.ts';
import { eventually } from '../../../support/eventually.ts';
import { kubectl } from '../../support/cluster.ts';
import {
  armWrites,
  CLUSTER_ID,
  condition,
  countersOf,
  createBinding,
  createResourceGroup,
  createWorkflow,
  deleteObject,
  emulatedWorkflow,
  keyVaultDefinition,
  lastSeq,
  type MustShowEnv,
  patchWorkflowSpec,
  readBinding,
  readWorkflow,
  startMustShowEnv,
  workflowRequests,
} from '../must-show-support.ts';

const RG = DEMO_RESOURCE_GROUP;
const RESYNC = ['--resync-period', '3s'];
const WAIT = 60_000;

async function waitReady(env: MustShowEnv, namespace: string, name: string): Promise<LogicAppWorkflow> {
  return eventually(async () => {
    const workflow = await readWorkflow(env, namespace, name);
    expect(condition(workflow, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(workflow?.status?.observedGeneration).toBe(workflow?.metadata.generation);
    return workflow as LogicAppWorkflow;
  }, WAIT);
}

async function waitStalled(env: MustShowEnv, namespace: string, name: string, reason: string) {
  return eventually(async () => {
    const workflow = await readWorkflow(env, namespace, name);
    expect(condition(workflow, 'Ready')).toMatchObject({ status: 'False', reason });
    expect(condition(workflow, 'Stalled')).toMatchObject({ status: 'True', reason });
    expect(computeKstatus(workflow as LogicAppWorkflow)).toBe('Failed');
    return workflow as LogicAppWorkflow;
  }, WAIT);
}

/** Waits until every named Azure workflow has been read at least `times` times since `seq` (its resync). */
async function waitResynced(env: MustShowEnv, azureNames: string[], seq: number, times = 2) {
  await eventually(
    () => {
      for (const name of azureNames) {
        expect(
          workflowRequests(env.emulator, name, seq, 'Microsoft.Logic/workflows/read').length,
          `GETs of ${name} since seq ${seq}`,
        ).toBeGreaterThanOrEqual(times);
      }
    },
    WAIT,
    200,
  );
}

/** ARM writes of any kind (PUT/PATCH, POST actions, DELETE) in the request log since `seq`. */
const armWritesInLog = (env: MustShowEnv, seq: number) =>
  env.emulator
    .requests(seq)
    .filter((e) => e.plane === 'arm' && (e.kind === 'write' || e.kind === 'action' || e.kind === 'delete'))
    .map((e) => `${e.method} ${e.path}`);

describe('LogicAppWorkflow must-show: steady state, identity, ownership, secure run history', () => {
  let env: MustShowEnv;
  let ns: string;
  let otherNs: string;
  const vaultId = () =>
    `${env.subscriptionRoot}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;

  beforeAll(async () => {
    env = await startMustShowEnv({ prefixes: ['law-must', 'law-must-b'], flags: RESYNC });
    [ns = '', otherNs = ''] = env.namespaces;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('writes a workflow whose binding was applied before it exactly once, with the secret URI injected', async () => {
    const seq = lastSeq(env.emulator);
    await createBinding(env, ns, 'injected-key', {
      workflowRef: { name: 'injected' },
      vaultId: vaultId(),
      parameterName: 'apiKeyUri',
    });
    // The binding exists (in the API server) before the workflow does.
    expect(await readBinding(env, ns, 'injected-key')).toBeDefined();
    await createWorkflow(env, ns, 'injected', { definition: keyVaultDefinition('apiKeyUri') });
    await waitReady(env, ns, 'injected');
    await eventually(async () => {
      expect(condition(await readBinding(env, ns, 'injected-key'), 'Ready')?.status).toBe('True');
    }, WAIT);
    // Let at least two resyncs pass after both are Ready: still one write.
    await waitResynced(env, ['injected'], lastSeq(env.emulator));

    const writes = workflowRequests(env.emulator, 'injected', seq, 'Microsoft.Logic/workflows/write');
    expect(writes.map((w) => w.method)).toEqual(['PUT']);
    const azure = emulatedWorkflow(env.emulator, 'injected');
    const parameters = azure?.properties.parameters as Record<string, { value: unknown }>;
    expect(parameters.apiKeyUri?.value).toBe(
      `https://${DEMO_ACCESS_POLICY_VAULT}.vault.azure.net/secrets/${DEMO_SECRET_NAME}`,
    );
  });

  it('makes no ARM write in a window in which every workflow was resynced', async () => {
    await createWorkflow(env, ns, 'steady-a');
    await createWorkflow(env, ns, 'steady-b');
    await waitReady(env, ns, 'steady-a');
    await waitReady(env, ns, 'steady-b');
    const all = ['injected', 'steady-a', 'steady-b'];
    // Settle: one full resync of everything after the creates.
    await waitResynced(env, all, lastSeq(env.emulator), 1);

    const seq = lastSeq(env.emulator);
    const writesBefore = armWrites(env.emulator);
    await waitResynced(env, all, seq, 2);
    expect(armWritesInLog(env, seq)).toEqual([]);
    expect(armWrites(env.emulator)).toBe(writesBefore);
  });

  it('makes exactly one PUT for a spec change', async () => {
    const seq = lastSeq(env.emulator);
    await patchWorkflowSpec(env, ns, 'steady-a', { tags: { team: 'blue' } });
    await eventually(async () => {
      const workflow = await waitReady(env, ns, 'steady-a');
      expect(workflow.metadata.generation).toBe(2);
      expect(emulatedWorkflow(env.emulator, 'steady-a')?.tags.team).toBe('blue');
    }, WAIT);
    // Two resyncs of every workflow after the change: nothing more is written.
    await waitResynced(env, ['injected', 'steady-a', 'steady-b'], lastSeq(env.emulator));
    expect(
      workflowRequests(env.emulator, 'steady-a', seq, 'Microsoft.Logic/workflows/write').map((w) => w.method),
    ).toEqual(['PUT']);
    expect(armWritesInLog(env, seq)).toHaveLength(1);
  });

  it('SystemAssigned → None → SystemAssigned: the old principal is gone, the new one is in status', async () => {
    await createWorkflow(env, ns, 'toggle', { identity: { type: 'SystemAssigned' } });
    await waitReady(env, ns, 'toggle');
    const first = emulatedWorkflow(env.emulator, 'toggle')?.identity;
    expect(first?.type).toBe('SystemAssigned');
    const oldPrincipal = first?.type === 'SystemAssigned' ? first.principalId : '';
    expect(oldPrincipal).not.toBe('');
    expect(env.emulator.state.principals[oldPrincipal.toLowerCase()]).toBeDefined();

    await patchWorkflowSpec(env, ns, 'toggle', { identity: { type: 'None' } });
    await eventually(async () => {
      expect(emulatedWorkflow(env.emulator, 'toggle')?.identity?.type).not.toBe('SystemAssigned');
      expect(env.emulator.state.principals[oldPrincipal.toLowerCase()]).toBeUndefined();
      const workflow = await waitReady(env, ns, 'toggle');
      expect(workflow.status?.identity?.type).toBe('None');
      expect(workflow.status?.identity?.principalId).toBeUndefined();
    }, WAIT);

    await patchWorkflowSpec(env, ns, 'toggle', { identity: { type: 'SystemAssigned' } });
    const newPrincipal = await eventually(async () => {
      const identity = emulatedWorkflow(env.emulator, 'toggle')?.identity;
      expect(identity?.type).toBe('SystemAssigned');
      const principalId = identity?.type === 'SystemAssigned' ? identity.principalId : '';
      const workflow = await waitReady(env, ns, 'toggle');
      expect(workflow.status?.identity).toMatchObject({ type: 'SystemAssigned', principalId });
      return principalId;
    }, WAIT);
    expect(newPrincipal).not.toBe(oldPrincipal);
    expect(env.emulator.state.principals[newPrincipal.toLowerCase()]).toBeDefined();
    expect(env.emulator.state.principals[oldPrincipal.toLowerCase()]).toBeUndefined();
  });

  it('secures exactly the actions of the end-to-end sample that read or use the secret', async () => {
    const sample = readFileSync(
      path.resolve(import.meta.dirname, '../../../../config/samples/end-to-end/partner-api-workflow.yaml'),
      'utf8',
    );
    const docs = parseAllDocuments(sample).map((d) => d.toJS()) as Array<{
      kind: string;
      spec: { definition?: { actions: Record<string, unknown> } };
    }>;
    const workflow = docs.find((d) => d.kind === 'LogicAppWorkflow');
    const actions = workflow?.spec.definition?.actions ?? {};
    // Harmless additions: one unrelated action, and one that only runs after the call that
    // sends the key (ordering is not use of its data).
    actions.Log_run_started = { type: 'Compose', runAfter: {}, inputs: "@{workflow()?['run']?['name']}" };
    actions.Note_call_finished = {
      type: 'Compose',
      runAfter: { Call_partner_API: ['Succeeded'] },
      inputs: 'partner call finished',
    };
    await kubectl(['apply', '-n', ns, '-f', '-'], docs.map((d) => JSON.stringify(d)).join('\n'));
    await waitReady(env, ns, 'partner-sync');

    const definition = emulatedWorkflow(env.emulator, 'partner-sync')?.properties.definition as {
      triggers: Record<string, { runtimeConfiguration?: { secureData?: { properties?: string[] } } }>;
      actions: Record<string, { runtimeConfiguration?: { secureData?: { properties?: string[] } } }>;
    };
    const row = (kind: string, name: string, item: { runtimeConfiguration?: unknown } | undefined) => ({
      kind,
      name,
      secureData:
        (item?.runtimeConfiguration as { secureData?: { properties?: string[] } } | undefined)?.secureData
          ?.properties ?? 'none',
    });
    const table = [
      ...Object.entries(definition.triggers).map(([name, t]) => row('trigger', name, t)),
      ...Object.entries(definition.actions).map(([name, a]) => row('action', name, a)),
    ].sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
    expect(table).toEqual([
      { kind: 'action', name: 'Call_partner_API', secureData: ['inputs', 'outputs'] },
      { kind: 'action', name: 'Get_partner_API_key', secureData: ['inputs', 'outputs'] },
      { kind: 'action', name: 'Log_run_started', secureData: 'none' },
      { kind: 'action', name: 'Note_call_finished', secureData: 'none' },
      // Parse JSON has secure inputs only, which hide its outputs too (Microsoft Learn, "Secure
      // access and data in Azure Logic Apps" #obfuscate); the emulator refuses "outputs" on it.
      { kind: 'action', name: 'Parse_secret', secureData: ['inputs'] },
      { kind: 'trigger', name: 'Every_15_minutes', secureData: 'none' },
    ]);
  });

  it('refuses the same Azure workflow declared in a second namespace (AlreadyOwned); the first stays Ready', async () => {
    await createWorkflow(env, ns, 'owner-a', { azureName: 'shared-wf' });
    await waitReady(env, ns, 'owner-a');
    const owner = `${CLUSTER_ID}/${ns}/owner-a`;
    expect(emulatedWorkflow(env.emulator, 'shared-wf')?.tags['logicops-owner']).toBe(owner);
    const version = emulatedWorkflow(env.emulator, 'shared-wf')?.properties.version;

    const seq = lastSeq(env.emulator);
    await createWorkflow(env, otherNs, 'owner-b', { azureName: 'shared-wf' });
    const stalled = await waitStalled(env, otherNs, 'owner-b', 'AlreadyOwned');
    expect(condition(stalled, 'Ready')?.message).toContain(owner);
    expect(stalled.status?.identity).toBeUndefined();

    // Both objects are resynced (GETs of the one Azure workflow) and nothing changes.
    await waitResynced(env, ['shared-wf'], lastSeq(env.emulator), 3);
    expect(workflowRequests(env.emulator, 'shared-wf', seq, 'Microsoft.Logic/workflows/write')).toEqual([]);
    const azure = emulatedWorkflow(env.emulator, 'shared-wf');
    expect(azure?.tags['logicops-owner']).toBe(owner);
    expect(azure?.properties.version).toBe(version);
    const first = await waitReady(env, ns, 'owner-a');
    expect(condition(first, 'Stalled')).toBeUndefined();
    expect((await readWorkflow(env, otherNs, 'owner-b'))?.status?.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Stalled', reason: 'AlreadyOwned' })]),
    );
  });
});

describe('LogicAppWorkflow must-show: quota limit 2', () => {
  let env: MustShowEnv;
  let ns: string;

  beforeAll(async () => {
    env = await startMustShowEnv({
      prefixes: ['law-must-quota'],
      flags: [...RESYNC, '--quota-workflows-per-region', '2'],
    });
    [ns = ''] = env.namespaces;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('refuses the third workflow before Azure sees it, and lets it proceed once one is deleted', async () => {
    const seq = lastSeq(env.emulator);
    await createWorkflow(env, ns, 'q-1');
    await createWorkflow(env, ns, 'q-2');
    await waitReady(env, ns, 'q-1');
    await waitReady(env, ns, 'q-2');

    await createWorkflow(env, ns, 'q-3');
    const stalled = await waitStalled(env, ns, 'q-3', 'QuotaExceeded');
    expect(condition(stalled, 'QuotaAvailable')).toMatchObject({ status: 'False', reason: 'QuotaExceeded' });
    expect(stalled.status?.quota?.find((q) => q.name === 'WorkflowsPerRegion')).toMatchObject({
      used: 2,
      limit: 2,
    });
    // Retried at resync (GETs of q-3), never written.
    await waitResynced(env, ['q-3'], lastSeq(env.emulator), 2);
    expect(workflowRequests(env.emulator, 'q-3', seq, 'Microsoft.Logic/workflows/write')).toEqual([]);
    expect(emulatedWorkflow(env.emulator, 'q-3')).toBeUndefined();

    await deleteObject(env, LOGIC_APP_WORKFLOW_RESOURCE, ns, 'q-1');
    await eventually(async () => expect(await readWorkflow(env, ns, 'q-1')).toBeUndefined(), WAIT);
    expect(emulatedWorkflow(env.emulator, 'q-1')).toBeUndefined();

    // No nudge: the stalled object is retried at resync (the quota listing may be cached 30 s).
    const ready = await eventually(() => waitReady(env, ns, 'q-3'), 120_000);
    expect(condition(ready, 'QuotaAvailable')).toMatchObject({ status: 'True', reason: 'WithinLimit' });
    expect(emulatedWorkflow(env.emulator, 'q-3')?.tags['logicops-owner']).toBe(`${CLUSTER_ID}/${ns}/q-3`);
  }, 240_000);
});

describe('LogicAppWorkflow must-show: missing resource group, then faults', () => {
  let env: MustShowEnv;
  let ns: string;

  beforeAll(async () => {
    env = await startMustShowEnv({ prefixes: ['law-must-faults'], flags: RESYNC });
    [ns = ''] = env.namespaces;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('is Stalled while the resource group is missing, then converges once it exists despite 429s and 5xx', async () => {
    const group = 'late-rg';
    await createWorkflow(env, ns, 'late-1', { resourceGroup: group });
    const stalled = await waitStalled(env, ns, 'late-1', 'ResourceGroupNotFound');
    const message = condition(stalled, 'Ready')?.message ?? '';
    expect(message).toContain(group);
    expect(message).toMatch(/create it/);
    expect(emulatedWorkflow(env.emulator, 'late-1')).toBeUndefined();

    // Check the shape against packages/azure-emulator/src/faults/config.ts (parseFaultConfig validates it).
    env.emulator.setFaults({
      seed: 8,
      errors: [
        { operation: '*', rate: 0.1, status: 500, code: 'InternalServerError' },
        { operation: '*', rate: 0.05, status: 429, code: 'TooManyRequests' },
      ],
    });
    // The test's own ARM call meets the same faults: retry it until the group exists.
    await eventually(() => createResourceGroup(env, group), WAIT, 200);
    expect(Object.values(env.emulator.state.resourceGroups).map((g) => g.name)).toContain(group);
    // From here on the test makes no ARM call (it reads the emulator's state), so every fault
    // counted after this point hit the operator.
    const faultsBefore = countersOf(env.emulator).faults;
    for (const name of ['late-2', 'late-3', 'late-4']) {
      await createWorkflow(env, ns, name, { resourceGroup: group });
    }

    const names = ['late-1', 'late-2', 'late-3', 'late-4'];
    // Faults keep firing on the resync GETs; wait until both kinds did, then until all converge.
    await eventually(
      () => {
        const injected = env.emulator.counters().faults.injected;
        expect(injected.InternalServerError ?? 0).toBeGreaterThan(
          faultsBefore.injected.InternalServerError ?? 0,
        );
        expect(injected.TooManyRequests ?? 0).toBeGreaterThan(faultsBefore.injected.TooManyRequests ?? 0);
      },
      120_000,
      200,
    );
    await eventually(
      async () => {
        for (const name of names) {
          await waitReady(env, ns, name);
          const azure = emulatedWorkflow(env.emulator, name);
          expect(azure?.resourceGroup.toLowerCase()).toBe(group);
          expect(azure?.tags['logicops-owner']).toBe(`${CLUSTER_ID}/${ns}/${name}`);
          expect(azure?.identity?.type).toBe('SystemAssigned');
        }
      },
      120_000,
      500,
    );
    // One Azure workflow per object, no duplicates from retried creates.
    const inGroup = Object.values(env.emulator.state.workflows).filter(
      (w) => w.resourceGroup.toLowerCase() === group,
    );
    expect(inGroup.map((w) => w.name).sort()).toEqual(names);
    const counters = countersOf(env.emulator);
    expect(counters.byStatus['500'] ?? 0).toBeGreaterThan(0);
    expect(counters.byStatus['429'] ?? 0).toBeGreaterThan(0);
    expect(counters.faults.total).toBeGreaterThan(faultsBefore.total);
  }, 300_000);
});
