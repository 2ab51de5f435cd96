// Issue 9 must-show: "50 bindings on one vault created at once, with the emulator's concurrent-
// write 409 fault on → at most 5 access-policy writes, no 409 surfaced in any status".
//
// 50 LogicAppWorkflows (each its own system-assigned principal) and 50 VaultSecretBindings (one
// per workflow, all on the access-policy demo vault) are applied at once, as a Flux/Argo apply
// would; the full operator (both controllers) converges them. The emulator holds every vault
// write in flight for HOLD_MS, so any two overlapping writes to the vault would get 409. Azure-
// side figures come from the emulator (request log, counters, state), never from the operator.
import { EventsV1Api, Watch } from '@kubernetes/client-node';
import { DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, type VaultSecretBinding, VERSION } from '../../../../src/crds/index.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import {
  condition,
  createBinding,
  createWorkflow,
  lastSeq,
  type MustShowEnv,
  readBinding,
  startMustShowEnv,
} from '../must-show-support.ts';

const COUNT = 50;
const MAX_WRITES = 5;
const HOLD_MS = 300;
const ACCESS_POLICY_WRITE = 'Microsoft.KeyVault/vaults/accessPolicies/write';
const mentionsConflict = (text: string | undefined) => /409|conflict/i.test(text ?? '');

describe('VaultSecretBinding must-show: 50 bindings on one vault at once', () => {
  let env: MustShowEnv;
  let ns: string;
  let stopWatch: () => void = () => undefined;
  /** Every condition (type, reason, message) any binding showed, as seen through a watch. */
  const seenConditions: Array<{ name: string; type: string; reason: string; message: string }> = [];

  beforeAll(async () => {
    env = await startMustShowEnv({
      prefixes: ['vsb-burst'],
      emulator: { faults: { vaultWriteConflicts: { enabled: true, holdMs: HOLD_MS } } },
    });
    [ns = ''] = env.namespaces;
    const watch = new Watch(adminKubeConfig());
    const request = await watch.watch(
      `/apis/${GROUP}/${VERSION}/namespaces/${ns}/vaultsecretbindings`,
      {},
      (_type: string, object: VaultSecretBinding) => {
        for (const c of object?.status?.conditions ?? []) {
          seenConditions.push({
            name: object.metadata.name ?? '',
            type: c.type,
            reason: c.reason,
            message: c.message,
          });
        }
      },
      () => undefined,
    );
    stopWatch = () => request.abort();
  });
  afterAll(async () => {
    stopWatch();
    await env?.stop();
  });

  it('grants all 50 with at most 5 accessPolicies writes, and no 409 fires or reaches a status or Event', async () => {
    const vaultId = `${env.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${DEMO_ACCESS_POLICY_VAULT}`;
    const seq = lastSeq(env.emulator);
    const conflictsBefore = env.emulator.counters().faults.conflicts;
    const started = Date.now();

    const names = Array.from({ length: COUNT }, (_, i) => `wf-${String(i).padStart(2, '0')}`);
    await Promise.all(
      names.flatMap((name) => [
        createWorkflow(env, ns, name),
        createBinding(env, ns, name, { workflowRef: { name }, vaultId }),
      ]),
    );
    const bindings = await eventually(
      async () => {
        const all = await Promise.all(names.map((name) => readBinding(env, ns, name)));
        const notReady = all.filter((b) => condition(b, 'Ready')?.status !== 'True');
        expect(notReady.map((b) => b?.metadata.name)).toEqual([]);
        return all as VaultSecretBinding[];
      },
      240_000,
      500,
    );
    const convergedMs = Date.now() - started;

    // Azure's view: one entry per principal with `get`, written by at most 5 requests.
    const writes = env.emulator
      .requests(seq)
      .filter((entry) => entry.operation === ACCESS_POLICY_WRITE)
      .filter((entry) => entry.path.toLowerCase().includes(`/vaults/${DEMO_ACCESS_POLICY_VAULT}/`));
    const vault = Object.values(env.emulator.state.vaults).find((v) => v.name === DEMO_ACCESS_POLICY_VAULT);
    for (const binding of bindings) {
      const principalId = binding.status?.grant?.principalId ?? '';
      expect(principalId).not.toBe('');
      const entry = vault?.accessPolicies.find((p) => p.objectId.toLowerCase() === principalId.toLowerCase());
      expect(entry?.permissions.secrets?.map((p) => p.toLowerCase())).toEqual(['get']);
      expect(binding.status?.grant).toMatchObject({ phase: 'Granted', permissionsAdded: ['get'] });
    }
    const conflicts = env.emulator.counters().faults.conflicts - conflictsBefore;
    console.info(
      `[must-show] ${COUNT} bindings: ${writes.length} accessPolicies writes (statuses ${writes.map((w) => w.status).join(',')}; ` +
        `sent at ${writes.map((w) => Date.parse(w.at) - started).join(', ')} ms), ` +
        `${conflicts} 409s fired, all Ready after ${convergedMs} ms`,
    );
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.length).toBeLessThanOrEqual(MAX_WRITES);
    expect(writes.every((w) => w.status === 200)).toBe(true);
    expect(conflicts).toBe(0);

    // Nothing about a conflict ever reached a status (every condition the watch saw) or an Event.
    expect(seenConditions.length).toBeGreaterThan(COUNT);
    expect(seenConditions.filter((c) => mentionsConflict(c.reason) || mentionsConflict(c.message))).toEqual(
      [],
    );
    const events = await adminKubeConfig().makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: ns });
    const bindingEvents = events.items.filter((e) => e.regarding?.kind === 'VaultSecretBinding');
    expect(bindingEvents.filter((e) => e.reason === 'Granted')).toHaveLength(COUNT);
    expect(bindingEvents.filter((e) => mentionsConflict(e.reason) || mentionsConflict(e.note))).toEqual([]);

    // The fault was live all along: two overlapping writes to a vault (made here, out of band, on
    // the other demo vault so the operator's vault is untouched) do get a 409.
    const rbacVault = await env.azure.keyVault.vaults.get(DEMO_RESOURCE_GROUP, DEMO_RBAC_VAULT);
    const outOfBand = (objectId: string) =>
      env.azure.keyVault.vaults.updateAccessPolicy(DEMO_RESOURCE_GROUP, DEMO_RBAC_VAULT, 'add', {
        properties: {
          accessPolicies: [
            { tenantId: rbacVault.properties.tenantId, objectId, permissions: { secrets: ['get'] } },
          ],
        },
      });
    const settled = await Promise.allSettled([
      outOfBand('00000000-0000-4000-8000-00000000a001'),
      outOfBand('00000000-0000-4000-8000-00000000a002'),
    ]);
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1);
    expect(env.emulator.counters().faults.conflicts - conflictsBefore).toBe(1);
  }, 300_000);
});
