// What the reconcile of one WorkflowRoleAssignment works with: the controller-wide dependencies
// (built once) and the per-pass state (the object as last written, what was observed).
import type { V1Namespace } from '@kubernetes/client-node';
import type { AzureActor, AzureGateways } from '../../azure/index.ts';
import type {
  LogicAppWorkflow,
  QuotaUsage,
  RoleGrantRecord,
  WorkflowRoleAssignment,
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
import type { RecordRef } from '../shared/grants/assignment-holders.ts';
import type { PrincipalAges } from '../shared/grants/principal-ages.ts';
import type { RoleAssignmentCounts } from '../shared/grants/role-assignment-counts.ts';
import type { WorkflowIdentities } from '../shared/grants/workflow-identities.ts';
import { type AzureActors, resolvedActor } from '../shared/namespace-actors.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { ownerValue } from '../shared/owner-tag.ts';
import type { OperatorRecords } from '../shared/records/operator-records.ts';
import { chooseRole, type ResolvedRole } from './plan/role-choice.ts';

export interface RoleGrantSettings {
  clusterId: string;
  namespacePolicy: NamespacePolicy;
  roleAssignmentsPerSubscription: number;
  /** Ready waits this long after the workflow first recorded its principal (shared/grants/propagation-hold.ts). */
  principalPropagationMs: number;
}

/** Built once per controller, shared by every reconcile. */
export interface RoleGrantShared {
  kube: KubeClient;
  patcher: StatusPatcher;
  actors: AzureActors;
  gatewaysFor(actor: AzureActor, subscriptionId: string): AzureGateways;
  events: EventRecorder;
  workflows: WatchedSource<LogicAppWorkflow>;
  namespaces: WatchedSource<V1Namespace>;
  /** The role-grant ledgers (and, for shared assignments, the bindings' grant records). */
  records: OperatorRecords;
  /** The principals logicops vouches for as workflows' (written by the workflow controller). */
  identities: WorkflowIdentities;
  /** The subscription's role-assignment count, shared with the VaultSecretBindings (one budget). */
  roleAssignmentCounts: RoleAssignmentCounts;
  principals: PrincipalAges;
  settings: RoleGrantSettings;
  clock: Clock;
}

export interface RoleGrantObservations {
  principalId?: string;
  quota?: QuotaUsage;
  quotaExceeded?: boolean;
}

export class RoleGrantRun {
  object: WorkflowRoleAssignment;
  readonly observed: RoleGrantObservations = {};
  /** What spec.role resolved to (plan/role-choice.ts); unset when it is refused (the spec check stops the pass). */
  readonly role?: ResolvedRole;
  principal?: { principalId: string; tenantId?: string };
  actor?: AzureActor;
  principalIsNew = false;
  principalAgeMs?: number;

  constructor(
    readonly shared: RoleGrantShared,
    object: WorkflowRoleAssignment,
    readonly rc: ReconcileContext,
  ) {
    this.object = object;
    const choice = chooseRole(object.spec.role);
    if (choice.ok) this.role = choice.role;
  }

  get spec() {
    return this.object.spec;
  }

  get ref(): RecordRef {
    const { namespace = '', name = '' } = this.object.metadata;
    return { kind: 'role-grant', namespace, name };
  }

  /** What logicops assigned for this object: its operator record, never its status. */
  get record(): RoleGrantRecord | undefined {
    return this.shared.records.read('role-grant', this.ref.namespace, this.ref.name);
  }

  /** Persists the record now (undefined: removes it); throws when the write fails (write-ahead). */
  async writeRecord(record: RoleGrantRecord | undefined): Promise<void> {
    const { namespace, name } = this.ref;
    const { uid } = this.object.metadata;
    if (record)
      await this.shared.records.write('role-grant', { namespace, name, ...(uid ? { uid } : {}) }, record);
    else await this.shared.records.remove('role-grant', namespace, name);
  }

  get paused(): boolean {
    return this.object.metadata.annotations?.[PAUSED_ANNOTATION] === 'true';
  }

  get owner(): string {
    return ownerValue(this.shared.settings.clusterId, this.ref.namespace, this.ref.name);
  }

  /** Gateways of a subscription as this namespace's actor (steps/azure-actor.ts resolves it first). */
  gatewaysIn(subscriptionId: string): AzureGateways {
    return this.shared.gatewaysFor(resolvedActor(this.actor), subscriptionId);
  }

  get actorKey(): string {
    return resolvedActor(this.actor).key;
  }

  async event(type: EventType, reason: string, action: string, note: string): Promise<void> {
    await this.shared.events.record(this.object, type, reason, action, note);
  }

  get signal(): AbortSignal {
    return this.rc.signal;
  }
}
