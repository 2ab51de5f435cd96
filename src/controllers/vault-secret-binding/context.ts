// What the reconcile of one binding works with: the controller-wide dependencies (built once)
// and the per-pass state (the object as last written, what was observed, the ledger writer).
import type { V1Namespace } from '@kubernetes/client-node';
import type { AzureActor, AzureGateways } from '../../azure/index.ts';
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
import { PAUSED_ANNOTATION } from '../../vocabulary.ts';
import type { PrincipalAges } from '../shared/grants/principal-ages.ts';
import type { RoleAssignmentCounts } from '../shared/grants/role-assignment-counts.ts';
import type { WorkflowIdentities } from '../shared/grants/workflow-identities.ts';
import { type AzureActors, resolvedActor } from '../shared/namespace-actors.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { ownerValue } from '../shared/owner-tag.ts';
import type { BindingName, LedgerBook } from './ledger/ledger-book.ts';
import { LedgerWriter } from './ledger/ledger-writer.ts';
import type { VaultConsistency } from './observe/vault-consistency.ts';
import type { SharedVault, VaultReads } from './observe/vault-reads.ts';
import { vaultCoordinates } from './plan/grant-model.ts';
import { Announcer, type GrantEvent } from './report/announcer.ts';
import type { AccessPolicyBatches, BatchOwner } from './write/access-policy-batches.ts';
import type { VaultLocks } from './write/vault-lock.ts';

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
  /** Who acts in Azure for a namespace's bindings. */
  actors: AzureActors;
  gatewaysFor(actor: AzureActor, subscriptionId: string): AzureGateways;
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
  /** Who acts in Azure for this binding's namespace; set before any Azure call. */
  actor?: AzureActor;
  /** Within Entra's replication window and never granted yet: lag errors mean "wait". */
  principalIsNew = false;
  /** Since the workflow status first recorded the principal; unknown for statuses older than that field. */
  principalAgeMs?: number;
  vault?: SharedVault;
  /** Set when the coalesced write carrying this binding's last add succeeded (its Event to announce). */
  batchWrite?: { event: GrantEvent | undefined };

  constructor(
    readonly shared: BindingShared,
    binding: VaultSecretBinding,
    readonly rc: ReconcileContext,
  ) {
    this.object = binding;
    this.startedAt = shared.clock.now();
    this.ledger = new LedgerWriter(shared.ledgers, () => this.bindingName);
    this.announcer = new Announcer(shared.events, () => this.object);
  }

  /** This pass's writes of the grant ledger. */
  readonly ledger: LedgerWriter;
  /** Events sent alongside the pass's status write. */
  readonly announcer: Announcer;

  /** When this pass began: a vault read started later shows everything changed before it. */
  readonly startedAt: number;

  get spec() {
    return this.object.spec;
  }

  /** What logicops granted for this binding: its operator record, never its status. */
  get record(): GrantRecord | undefined {
    return this.ledger.record;
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
    return this.gatewaysIn(vaultCoordinates(this.spec.vaultId).subscriptionId);
  }

  /** Gateways of a subscription as this namespace's actor (steps/azure-actor.ts resolves it first). */
  gatewaysIn(subscriptionId: string): AzureGateways {
    return this.shared.gatewaysFor(this.actingActor(), subscriptionId);
  }

  /** Who acts for this namespace, by key: the shared reads this pass may use are that actor's own. */
  get actorKey(): string {
    return this.actingActor().key;
  }

  private actingActor(): AzureActor {
    return resolvedActor(this.actor);
  }

  vaultRef() {
    const { resourceGroup, name } = vaultCoordinates(this.spec.vaultId);
    return { resourceGroup, name };
  }

  /** Every other binding's ledger granting this principal (all watched namespaces): shared entries and assignments. */
  otherLedgers(principalId: string): GrantRecord[] {
    return this.shared.ledgers.othersGranting(this.bindingName, principalId);
  }

  /** Persists the ledger now (write-ahead); see LedgerWriter. */
  async writeLedger(grant: GrantRecord | undefined): Promise<void> {
    await this.ledger.write(grant);
  }

  /** Records a grant Azure already shows, with the pass's status write; see LedgerWriter. */
  recordGranted(grant: GrantRecord): void {
    this.ledger.recordGranted(grant);
  }

  async event(type: EventType, reason: string, action: string, note: string): Promise<void> {
    await this.shared.events.record(this.object, type, reason, action, note);
  }

  /** An Event about what the pass's closing status write records; see Announcer. */
  announce(type: EventType, reason: string, action: string, note: string): void {
    this.announcer.announce(type, reason, action, note);
  }

  get signal(): AbortSignal {
    return this.rc.signal;
  }
}
