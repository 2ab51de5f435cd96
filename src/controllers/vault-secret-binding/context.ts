// What the reconcile of one binding works with: the controller-wide dependencies (built once)
// and the per-pass state (the object as last written, what was observed, the ledger writer).
import type { V1Namespace } from '@kubernetes/client-node';
import type { AzureGateways } from '../../azure/index.ts';
import type {
  EffectiveAccessModel,
  GrantRecord,
  LogicAppWorkflow,
  QuotaUsage,
  VaultSecretBinding,
} from '../../crds/index.ts';
import type { EventRecorder, EventType } from '../../runtime/events.ts';
import type {
  Clock,
  KubeClient,
  ReconcileContext,
  StatusPatcher,
  WatchedSource,
} from '../../runtime/index.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { ownerValue } from '../shared/owner-tag.ts';
import type { AccessPolicyBatches, BatchOwner } from './access-policy-batches.ts';
import type { GrantEvent } from './access-policy-grant.ts';
import { vaultCoordinates } from './grant-model.ts';
import type { BindingName, LedgerBook } from './ledger-book.ts';
import type { PrincipalAges } from './principal-ages.ts';
import type { RoleAssignmentCounts } from './role-assignment-counts.ts';
import type { VaultConsistency } from './vault-consistency.ts';
import type { VaultLocks } from './vault-lock.ts';
import type { SharedVault, VaultReads } from './vault-reads.ts';
import type { WorkflowIdentities } from './workflow-identities.ts';

export const PAUSED_ANNOTATION = 'logicops.io/paused';
export const RECONCILE_REQUEST_ANNOTATION = 'logicops.io/reconcile-request';

export interface QuotaLimits {
  accessPoliciesPerVault: number;
  roleAssignmentsPerSubscription: number;
}

export interface BindingSettings {
  clusterId: string;
  namespacePolicy: NamespacePolicy;
  quota: QuotaLimits;
  /** How soon to look again while waiting for a principal or a secret (watches also wake us). */
  waitingRequeueMs: number;
  /**
   * Backstop for a binding whose add waits in a coalesced write (the write's settling enqueues
   * it): longer than a batch may gather, so it does not cost every such binding a second pass.
   */
  batchBackstopMs?: number;
  /**
   * How long after the workflow's principal was first observed a binding still reports
   * WaitingForPrincipal (Entra ID replication: the identity may not get a token yet). 0: off.
   */
  principalPropagationMs: number;
}

/** Built once per controller, shared by every reconcile. */
export interface BindingShared {
  kube: KubeClient;
  patcher: StatusPatcher;
  gatewaysFor(subscriptionId: string): AzureGateways;
  events: EventRecorder;
  bindings: WatchedSource<VaultSecretBinding>;
  workflows: WatchedSource<LogicAppWorkflow>;
  namespaces: WatchedSource<V1Namespace>;
  /** The grant ledgers, kept as operator records (never read from status). */
  ledgers: LedgerBook;
  /** The principals logicops vouches for as workflows' (operator records written by the workflow controller). */
  identities: WorkflowIdentities;
  locks: VaultLocks;
  /** Pending access-policy adds per vault, sent as one write. */
  accessPolicyBatches: AccessPolicyBatches<GrantEvent>;
  /** The RBAC quota check's shared count; absent: every check counts the subscription. */
  roleAssignmentCounts?: RoleAssignmentCounts;
  /** Vault reads shared by the bindings of one vault for a few seconds. */
  vaultReads: VaultReads;
  /** Reads that must agree before a recent access-policy write is trusted (vault-consistency.ts). */
  consistency: VaultConsistency;
  principals: PrincipalAges;
  settings: BindingSettings;
  clock: Clock;
}

export interface Principal {
  principalId: string;
  tenantId?: string;
}

/** What this pass learned, written to status at the end (never secret values). */
export interface Observations {
  accessModel?: EffectiveAccessModel;
  principalId?: string;
  secretUri?: string;
  quota?: QuotaUsage;
  /** The grant needs one more than the limit allows (nothing was attempted). */
  quotaExceeded?: boolean;
}

export class BindingRun {
  /** The object as last written by this pass (adding the finalizer moves its resourceVersion). */
  object: VaultSecretBinding;
  readonly observed: Observations = {};
  principal?: Principal;
  /** Within Entra's replication window and never granted yet: lag errors mean "wait". */
  principalIsNew = false;
  /** Since the workflow status first recorded the principal; unknown for statuses older than that field. */
  principalAgeMs?: number;
  vault?: SharedVault;
  /** Set when the coalesced write carrying this binding's last add succeeded (its Event to announce). */
  batchWrite?: { event: GrantEvent | undefined };
  /** A Granted record to write with the pass's status (`recordGranted`). */
  deferredLedger?: GrantRecord;

  constructor(
    readonly shared: BindingShared,
    binding: VaultSecretBinding,
    readonly rc: ReconcileContext,
  ) {
    this.object = binding;
    this.startedAt = shared.clock.now();
  }

  /** When this pass began: a vault read started later shows everything changed before it. */
  readonly startedAt: number;

  get spec() {
    return this.object.spec;
  }

  /** What logicops granted for this binding: its operator record, never its status. */
  get record(): GrantRecord | undefined {
    return this.deferredLedger ?? this.shared.ledgers.of(this.bindingName);
  }

  get bindingName(): BindingName {
    const { namespace = '', name = '', uid } = this.object.metadata;
    return { namespace, name, ...(uid ? { uid } : {}) };
  }

  get paused(): boolean {
    return this.object.metadata.annotations?.[PAUSED_ANNOTATION] === 'true';
  }

  get generation(): number {
    return this.object.metadata.generation ?? 0;
  }

  get owner(): string {
    return ownerValue(
      this.shared.settings.clusterId,
      this.object.metadata.namespace ?? '',
      this.object.metadata.name ?? '',
    );
  }

  /** This binding as the owner of an addition in a coalesced access-policy write. */
  get batchOwner(): BatchOwner {
    const { namespace = '', name = '', uid = '' } = this.object.metadata;
    return { uid: uid || `${namespace}/${name}`, key: `${namespace}/${name}` };
  }

  /** Gateways of the vault's subscription (where the access policies and role assignments live). */
  gateways(): AzureGateways {
    return this.shared.gatewaysFor(vaultCoordinates(this.spec.vaultId).subscriptionId);
  }

  vaultRef() {
    const { resourceGroup, name } = vaultCoordinates(this.spec.vaultId);
    return { resourceGroup, name };
  }

  /** Every other binding's ledger (all watched namespaces), for shared entries and assignments. */
  otherLedgers(): GrantRecord[] {
    return this.shared.ledgers.othersThan(this.bindingName);
  }

  /**
   * Persists the ledger now — the write-ahead record of guarantee 4. Throws when the write
   * fails, so the Azure write it guards never happens without its record.
   */
  async writeLedger(grant: GrantRecord | undefined): Promise<void> {
    this.deferredLedger = undefined;
    await this.shared.ledgers.write(this.bindingName, grant);
  }

  /**
   * Records a grant Azure already shows at the end of the pass, just before the status write
   * that reports it, rather than ahead of anything: there is nothing to write ahead of (after a crash the next
   * pass finds the grant in Azure again and records it then).
   */
  recordGranted(grant: GrantRecord): void {
    this.deferredLedger = structuredClone(grant);
  }

  /** Writes the record `recordGranted` deferred, if any. */
  async storeDeferredLedger(): Promise<void> {
    const deferred = this.deferredLedger;
    if (!deferred) return;
    await this.shared.ledgers.write(this.bindingName, deferred);
    this.deferredLedger = undefined;
  }

  async event(type: EventType, reason: string, action: string, note: string): Promise<void> {
    await this.shared.events.record(this.object, type, reason, action, note);
  }

  /**
   * An Event about what the pass's closing status write records (a grant taking effect): sent
   * alongside that write rather than before it (`sendAnnouncements`). A granted binding's pass
   * then waits for one API round trip instead of two; at the end of a bulk apply hundreds of
   * them are recorded at once (issue 12).
   */
  announce(type: EventType, reason: string, action: string, note: string): void {
    this.announcements.push({ type, reason, action, note });
  }

  /** Sends the announced Events (each at most once). */
  async sendAnnouncements(): Promise<void> {
    const pending = this.announcements.splice(0);
    for (const { type, reason, action, note } of pending) await this.event(type, reason, action, note);
  }

  private readonly announcements: Array<{ type: EventType; reason: string; action: string; note: string }> =
    [];

  get signal(): AbortSignal {
    return this.rc.signal;
  }
}
