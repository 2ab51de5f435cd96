import type { LogicAppWorkflow, VaultSecretBinding } from '../../crds/index.ts';
import {
  type Clock,
  type Controller,
  DEFAULT_RESYNC,
  type ResyncSettings,
  StatusPatcher,
  systemClock,
  type WatchedSource,
} from '../../runtime/index.ts';
import { alignedResyncDelay } from '../shared/aligned-resync.ts';
import type { ControllerDeps } from '../shared/controller-deps.ts';
import { PrincipalAges } from '../shared/grants/principal-ages.ts';
import { DEFAULT_PRINCIPAL_PROPAGATION_MS } from '../shared/grants/propagation-hold.ts';
import { RoleAssignmentCounts } from '../shared/grants/role-assignment-counts.ts';
import { WorkflowIdentities } from '../shared/grants/workflow-identities.ts';
import {
  inNamespace,
  ofIdentityRecord,
  referencingWorkflow,
  workflowDeletionChanged,
} from '../shared/grants/workflow-references.ts';
import { kindController } from '../shared/kind-controller.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import type { RecordConfigMap } from '../shared/records/record-configmap.ts';
import type { QuotaLimits } from './context.ts';
import { LedgerBook } from './ledger/ledger-book.ts';
import { expectedAdditions } from './observe/expected-additions.ts';
import { type ConsistentReads, VaultConsistency } from './observe/vault-consistency.ts';
import { VaultReads } from './observe/vault-reads.ts';
import { createBindingReconciler } from './reconcile.ts';
import type { GrantEvent } from './report/announcer.ts';
import {
  AccessPolicyBatches,
  type BatchTiming,
  DEFAULT_BATCH_TIMING,
} from './write/access-policy-batches.ts';
import { VaultLocks } from './write/vault-lock.ts';

export const DEFAULT_QUOTA: QuotaLimits = {
  accessPoliciesPerVault: 1024,
  roleAssignmentsPerSubscription: 4000,
};
export const DEFAULT_WAITING_REQUEUE_MS = 30_000;

export interface VaultSecretBindingControllerDeps extends ControllerDeps {
  /** The subscription's role-assignment count, shared with WorkflowRoleAssignment (one budget); default: its own. */
  roleAssignmentCounts?: RoleAssignmentCounts;
  settings: {
    clusterId: string;
    namespacePolicy: NamespacePolicy;
    quota: QuotaLimits;
    workers?: number;
    resync?: ResyncSettings;
    /** Poll interval while waiting for a principal, a vault or a secret. Default 30 s. */
    waitingRequeueMs?: number;
    /** How long one vault read serves the vault's other bindings. Default 5 s. */
    vaultReadTtlMs?: number;
    /** How long after first sight a principal's PrincipalNotFound/AuthorizationFailed counts as replication lag. */
    replicationWindowMs?: number;
    /** Ready waits this long after the workflow first recorded its principal (Entra ID replication). Default 60 s; 0: off (dev mode, tests). */
    principalPropagationMs?: number;
    /** How long a batch of access-policy adds gathers before it is written (access-policy-batches.ts). */
    accessPolicyBatch?: BatchTiming;
    /**
     * Reads that must agree before a revoke right after an access-policy write counts as done
     * (vault-consistency.ts). Default: 3 reads, 5 s apart (Terraform's azurerm provider).
     */
    consistentReads?: ConsistentReads;
  };
}

export function createVaultSecretBindingController(
  deps: VaultSecretBindingControllerDeps,
): Controller<VaultSecretBinding> {
  const clock = deps.clock ?? systemClock;
  const locks = new VaultLocks();
  const vaultReads = new VaultReads(clock, deps.settings.vaultReadTtlMs);
  const consistency = new VaultConsistency(clock, deps.settings.consistentReads);
  // The controller exists only after the reconcile is built; the batches enqueue through it.
  let enqueue: (key: string) => void = () => undefined;
  const accessPolicyBatches: AccessPolicyBatches<GrantEvent> = new AccessPolicyBatches<GrantEvent>(locks, {
    clock,
    ...(deps.settings.accessPolicyBatch ? { timing: deps.settings.accessPolicyBatch } : {}),
    wrote: (vaultId) => {
      vaultReads.wrote(vaultId);
      consistency.wrote(vaultId);
    },
    expectedAdditions: (vaultId): number =>
      expectedAdditions(
        {
          bindings: deps.bindings,
          workflows: deps.workflows,
          alreadyHandedOver: (uid): boolean =>
            accessPolicyBatches.isPending(uid) || accessPolicyBatches.hasResult(uid),
        },
        vaultId,
      ),
    settled: (keys) => {
      for (const key of keys) enqueue(key);
    },
  });
  const reconcile = createBindingReconciler({
    kube: deps.kube,
    patcher: new StatusPatcher(deps.kube),
    actors: deps.actors,
    gatewaysFor: deps.gatewaysFor,
    events: deps.events,
    bindings: deps.bindings,
    workflows: deps.workflows,
    namespaces: deps.namespaces,
    ledgers: new LedgerBook(deps.records),
    identities: new WorkflowIdentities(deps.records),
    locks,
    accessPolicyBatches,
    roleAssignmentCounts: deps.roleAssignmentCounts ?? new RoleAssignmentCounts(clock),
    vaultReads,
    consistency,
    principals: new PrincipalAges(clock, deps.settings.replicationWindowMs),
    clock,
    settings: {
      clusterId: deps.settings.clusterId,
      namespacePolicy: deps.settings.namespacePolicy,
      quota: deps.settings.quota,
      waitingRequeueMs: deps.settings.waitingRequeueMs ?? DEFAULT_WAITING_REQUEUE_MS,
      batchBackstopMs:
        (deps.settings.waitingRequeueMs ?? DEFAULT_WAITING_REQUEUE_MS) +
        (deps.settings.accessPolicyBatch ?? DEFAULT_BATCH_TIMING).backlogMaxWaitMs,
      principalPropagationMs: deps.settings.principalPropagationMs ?? DEFAULT_PRINCIPAL_PROPAGATION_MS,
    },
  });
  const controller = kindController<VaultSecretBinding>({
    name: 'vault-secret-binding',
    source: deps.bindings,
    reconcile,
    deps: { ...deps, clock },
    settings: deps.settings,
    extra: { resyncDelay: vaultAlignedResync(deps.settings.resync ?? DEFAULT_RESYNC, clock) },
  })
    .watches(deps.workflows, (workflow) => bindingsReferencing(deps.bindings, workflow), {
      shouldEnqueueUpdate: changesWhatTheBindingUses,
    })
    .watches(deps.namespaces, (namespace) => bindingsIn(deps.bindings, namespace.metadata?.name ?? ''))
    // A workflow's vouched identity recorded, changed or withdrawn: its bindings grant or revoke.
    .watches(deps.records.source, (configMap) => bindingsOfIdentityRecord(deps.bindings, configMap));
  enqueue = (key) => controller.queue.add(key);
  return controller;
}

/**
 * A vault's bindings come due for resync together (one slot per vault in the period), so the
 * shared vault read (vault-reads.ts) serves them all: about one vault read per vault per period
 * instead of one per binding.
 */
export function vaultAlignedResync(resync: ResyncSettings, clock: Pick<Clock, 'now'>) {
  return (_key: string, binding: Readonly<VaultSecretBinding>): number =>
    alignedResyncDelay(binding.spec.vaultId, resync.periodMs, clock.now());
}

/** What a binding reads of the workflow object (shared/grants/workflow-references.ts). */
export const changesWhatTheBindingUses = workflowDeletionChanged;

/** The bindings of the workflow an identity record belongs to (none for other records). */
export function bindingsOfIdentityRecord(
  bindings: WatchedSource<VaultSecretBinding>,
  configMap: Readonly<RecordConfigMap>,
): string[] {
  return ofIdentityRecord(bindings, configMap);
}

/** Every binding in the workflow's namespace whose workflowRef names it. */
export function bindingsReferencing(
  bindings: WatchedSource<VaultSecretBinding>,
  workflow: Readonly<LogicAppWorkflow>,
): string[] {
  return referencingWorkflow(bindings, workflow.metadata.namespace, workflow.metadata.name);
}

export function bindingsIn(bindings: WatchedSource<VaultSecretBinding>, namespace: string): string[] {
  return inNamespace(bindings, namespace);
}
