// A whole small world for reconcile-level tests: fake API objects, fake Azure, fake clock, the
// real reconcile function. `pass(name)` runs one pass the way the controller would and returns
// what it said (a result, or the error it threw); `reconcileUntilSettled` and `reconcile` run the
// follow-up pass after a coalesced access-policy write, and say so.
import type { V1Namespace } from '@kubernetes/client-node';
import { PrincipalAges } from '../../../../../src/controllers/shared/grants/principal-ages.ts';
import { RoleAssignmentCounts } from '../../../../../src/controllers/shared/grants/role-assignment-counts.ts';
import { WorkflowIdentities } from '../../../../../src/controllers/shared/grants/workflow-identities.ts';
import { namespacePolicy } from '../../../../../src/controllers/shared/namespace-policy.ts';
import { parseRecordConfigMap } from '../../../../../src/controllers/shared/records/record-configmap.ts';
import type { BindingShared } from '../../../../../src/controllers/vault-secret-binding/context.ts';
import { LedgerBook } from '../../../../../src/controllers/vault-secret-binding/ledger/ledger-book.ts';
import {
  type ConsistentReads,
  VaultConsistency,
} from '../../../../../src/controllers/vault-secret-binding/observe/vault-consistency.ts';
import { VaultReads } from '../../../../../src/controllers/vault-secret-binding/observe/vault-reads.ts';
import { createBindingReconciler } from '../../../../../src/controllers/vault-secret-binding/reconcile.ts';
import { AccessPolicyBatches } from '../../../../../src/controllers/vault-secret-binding/write/access-policy-batches.ts';
import { VaultLocks } from '../../../../../src/controllers/vault-secret-binding/write/vault-lock.ts';
import type {
  LogicAppWorkflow,
  VaultSecretBinding,
  VaultSecretBindingSpec,
} from '../../../../../src/crds/index.ts';
import {
  type CacheEventHandler,
  keyOf,
  type ReconcileResult,
  StatusPatcher,
  type WatchedSource,
} from '../../../../../src/runtime/index.ts';
import { ALLOWED_VAULTS_ANNOTATION } from '../../../../../src/vocabulary.ts';
import { everyNamespaceAs } from '../../../../support/azure-actors.ts';
import { FakeApiServer } from '../../../../support/fake-api-server.ts';
import { FakeClock } from '../../../../support/fake-clock.ts';
import { cachedWorkflow, seedIdentityRecord } from '../../shared/support/cached-workflow.ts';
import { eventLog, type RecordedEvent } from '../../shared/support/event-log.ts';
import { MemoryRecords } from '../../shared/support/memory-records.ts';
import { onePass } from '../../shared/support/one-pass.ts';
import { FakeAzure } from './fake-azure.ts';

export const SUBSCRIPTION = '11111111-2222-4333-8444-555555555555';
export const TENANT = '99999999-2222-4333-8444-555555555555';
export const PRINCIPAL = 'aaaaaaaa-0000-4000-8000-000000000001';
export const OTHER_PRINCIPAL = 'aaaaaaaa-0000-4000-8000-000000000002';
export const NAMESPACE = 'team-a';
const BINDING = 'VaultSecretBinding';
export const vaultId = (name: string) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`;

export class ListSource<K> implements WatchedSource<K> {
  constructor(private readonly items: () => Array<[string, K]>) {}
  get(key: string) {
    return this.items().find(([k]) => k === key)?.[1];
  }
  list() {
    return this.items().map(([, v]) => v);
  }
  keys() {
    return this.items().map(([k]) => k);
  }
  subscribe(_handler: CacheEventHandler<K>) {
    return () => undefined;
  }
  readonly hasSynced = true;
  async waitForSync() {}
}

export function createWorld(
  options: {
    quota?: { accessPoliciesPerVault: number; roleAssignmentsPerSubscription: number };
    /**
     * How long a vault read is shared. 0 by default: most scenarios change Azure between passes
     * without time passing; sharing has its own scenarios (and vault-reads.test.ts).
     */
    vaultReadTtlMs?: number;
    /** Ready waits this long after the workflow recorded its principal. */
    principalPropagationMs?: number;
    /** The records cache hears of record writes only on `records.deliver()`. */
    laggingRecords?: boolean;
    /**
     * Reads that must agree after a recent access-policy write (vault-consistency.ts). Off by
     * default: the fake clock stands still, so every write would count as recent; the
     * confirmation has its own scenarios (consistent-reads.test.ts).
     */
    consistentReads?: ConsistentReads;
  } = {},
) {
  const journal: string[] = [];
  const kube = new FakeApiServer();
  // Finalizer writes join the journal shared with fake Azure and the records, for write order.
  kube.onWrite = ({ subresource, before, after }) => {
    if (subresource === 'status') return;
    const had = before.metadata?.finalizers?.length ?? 0;
    const has = after?.metadata?.finalizers?.length ?? 0;
    if (has > had) journal.push('finalizer:added');
    if (has < had) journal.push('finalizer:removed');
  };
  const read = (namespace: string, name: string) => kube.read<VaultSecretBinding>(BINDING, namespace, name);
  const records = new MemoryRecords(journal, { lagging: options.laggingRecords ?? false });
  const azure = new FakeAzure(journal);
  const clock = new FakeClock();
  const workflows = new Map<string, LogicAppWorkflow>();
  const namespaces = new Map<string, V1Namespace>();
  const events: RecordedEvent[] = [];
  const locks = new VaultLocks();
  const vaultReads = new VaultReads(clock, options.vaultReadTtlMs ?? 0);
  const consistency = new VaultConsistency(clock, options.consistentReads ?? { reads: 0, intervalMs: 0 });
  const bindings = new ListSource<VaultSecretBinding>(() =>
    kube.list<VaultSecretBinding>(BINDING).map((binding) => [keyOf(binding), binding]),
  );
  const shared: BindingShared = {
    kube: kube.asClient(),
    patcher: new StatusPatcher(kube.asClient()),
    actors: everyNamespaceAs(),
    gatewaysFor: () => azure.gateways(),
    events: eventLog(events),
    bindings,
    workflows: new ListSource(() => [...workflows.entries()]),
    namespaces: new ListSource(() => [...namespaces.entries()]),
    ledgers: new LedgerBook(records.records),
    identities: new WorkflowIdentities(records.records),
    locks,
    // No gather window (the fake clock only moves when a test says so); a batch still seals only
    // once no binding is queued on the vault lock, so bindings reconciled together share a write.
    accessPolicyBatches: new AccessPolicyBatches(locks, {
      clock,
      timing: { quietMs: 0, maxWaitMs: Number.POSITIVE_INFINITY, backlogMaxWaitMs: 0 },
      wrote: (vaultId) => {
        vaultReads.wrote(vaultId);
        consistency.wrote(vaultId);
      },
    }),
    roleAssignmentCounts: new RoleAssignmentCounts(clock),
    vaultReads,
    consistency,
    principals: new PrincipalAges(clock),
    clock,
    settings: {
      clusterId: 'test-cluster',
      namespacePolicy: namespacePolicy(true),
      quota: options.quota ?? { accessPoliciesPerVault: 1024, roleAssignmentsPerSubscription: 4000 },
      waitingRequeueMs: 30_000,
      principalPropagationMs: options.principalPropagationMs ?? 0,
    },
  };
  /** Exactly one pass, the way the controller runs it; returns what it said (a result, or the error it threw). */
  const pass = (name: string, namespace = NAMESPACE): Promise<ReconcileResult | Error> =>
    onePass(`${namespace}/${name}`, clock, (context) =>
      createBindingReconciler(shared)(read(namespace, name), context),
    );
  /**
   * Passes the way the controller runs them for one event: a pass, and while it left the
   * binding's coalesced access-policy write in flight (or that write's outcome waiting for the
   * binding), the pass the controller runs once the write settled — at most `maxPasses` in all.
   * Says how many ran and whether the binding was left waiting for a write.
   */
  const reconcileUntilSettled = async (
    name: string,
    { namespace = NAMESPACE, maxPasses }: { namespace?: string; maxPasses: number },
  ): Promise<{ result: ReconcileResult | Error; passes: number; settled: boolean }> => {
    const uid = `uid-${namespace}-${name}`;
    const batches = shared.accessPolicyBatches;
    const waiting = () => batches.whenSettled(uid) !== undefined || batches.hasResult(uid);
    let result = await pass(name, namespace);
    let passes = 1;
    while (waiting() && passes < maxPasses) {
      await batches.whenSettled(uid);
      result = await pass(name, namespace);
      passes += 1;
    }
    return { result, passes, settled: !waiting() };
  };
  return {
    journal,
    kube,
    records,
    azure,
    clock,
    events,
    shared,
    workflows,
    namespaces,
    allowVaults(
      namespace = NAMESPACE,
      pattern = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/*`,
    ) {
      namespaces.set(namespace, {
        metadata: { name: namespace, annotations: { [ALLOWED_VAULTS_ANNOTATION]: pattern } },
      });
    },
    workflow(
      name: string,
      principalId: string | undefined,
      namespace = NAMESPACE,
      deleting = false,
      principalObservedAt?: string,
    ) {
      workflows.set(`${namespace}/${name}`, {
        ...cachedWorkflow(name, namespace, deleting),
        status: principalId
          ? {
              identity: {
                type: 'SystemAssigned',
                principalId,
                tenantId: TENANT,
                ...(principalObservedAt ? { principalObservedAt } : {}),
              },
            }
          : {},
      });
      // What the workflow controller vouches for: bindings read the principal from this record.
      if (principalId) {
        seedIdentityRecord(
          records,
          { namespace, name },
          {
            principalId,
            tenantId: TENANT,
            principalObservedAt: principalObservedAt ?? new Date(clock.now()).toISOString(),
          },
        );
      } else if (records.records.read('identity', namespace, name)) {
        void records.records.remove('identity', namespace, name);
      }
    },
    /** Makes the next write of a grant record in `phase` (or its removal: 'cleared') fail, as a kill before it would. */
    failLedgerWrite(phase: 'Intended' | 'Granted' | 'Revoking' | 'cleared') {
      records.failWrite = (configMap) => {
        if (!configMap) return phase === 'cleared';
        const record = parseRecordConfigMap(configMap).record;
        return record?.kind === 'grant' && (record.payload as { phase?: string }).phase === phase;
      };
    },
    /** The binding's grant ledger (its operator record). */
    ledger(name: string, namespace = NAMESPACE) {
      return records.records.read('grant', namespace, name);
    },
    binding(name: string, spec: Partial<VaultSecretBindingSpec> = {}, namespace = NAMESPACE) {
      kube.put({
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'VaultSecretBinding',
        metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
        spec: {
          workflowRef: { name: 'wf' },
          vaultId: vaultId('kv1'),
          secretName: 'api-key',
          permissions: ['get'],
          accessModel: 'Auto',
          deletionPolicy: 'Delete',
          ...spec,
        },
      });
    },
    get(name: string, namespace = NAMESPACE) {
      return read(namespace, name);
    },
    /** The binding, or undefined once Kubernetes deleted it (its last finalizer gone). */
    find(name: string, namespace = NAMESPACE) {
      return kube.find<VaultSecretBinding>(BINDING, namespace, name);
    },
    annotate(name: string, annotations: Record<string, string>, namespace = NAMESPACE) {
      const object = read(namespace, name);
      object.metadata.annotations = { ...object.metadata.annotations, ...annotations };
      kube.put(object);
    },
    markDeleted(name: string, namespace = NAMESPACE) {
      const object = read(namespace, name);
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
    },
    pass,
    reconcileUntilSettled,
    /**
     * `reconcileUntilSettled` with at most two passes — the one that queued an access-policy
     * addition and the one that reads the write's outcome — and the binding settled after them
     * (else it throws: such a scenario says how many passes it means). Returns what the last pass said.
     */
    async reconcile(name: string, namespace = NAMESPACE): Promise<ReconcileResult | Error> {
      const { result, passes, settled } = await reconcileUntilSettled(name, { namespace, maxPasses: 2 });
      if (!settled) {
        throw new Error(
          `${namespace}/${name} still waits for a coalesced write after ${passes} passes; call reconcileUntilSettled with the passes this scenario means`,
        );
      }
      return result;
    },
  };
}

export type World = ReturnType<typeof createWorld>;

/** The tests' vault `kv1` holding the secret `api-key`: access-policy model, or RBAC with `rbac`. */
export function addTestVault(
  world: World,
  options: {
    rbac?: boolean;
    accessPolicies?: Parameters<World['azure']['addVault']>[0]['accessPolicies'];
  } = {},
): void {
  world.azure.addVault({
    id: vaultId('kv1'),
    name: 'kv1',
    location: 'westeurope',
    tenantId: TENANT,
    vaultUri: 'https://kv1.vault.azure.net/',
    enableRbacAuthorization: options.rbac ?? false,
    ...(options.rbac ? {} : { accessPolicies: options.accessPolicies ?? [] }),
  });
  world.azure.secrets.add('kv1/api-key');
}

export function condition(binding: VaultSecretBinding, type: string) {
  return binding.status?.conditions?.find((c) => c.type === type);
}
