// What the reconcile of one LogicAppConnection works with: the controller-wide dependencies
// (built once) and the per-pass state (the object as last written, what Azure showed).
import type { V1Namespace } from '@kubernetes/client-node';
import type { AzureActor, AzureGateways, ConnectionRef, ObservedConnection } from '../../azure/index.ts';
import type { LogicAppConnection, LogicAppWorkflow } from '../../crds/index.ts';
import type { EventRecorder, EventType } from '../../runtime/events.ts';
import type {
  Clock,
  KubeClient,
  ReconcileContext,
  StatusPatcher,
  WatchedSource,
} from '../../runtime/index.ts';
import { PAUSED_ANNOTATION } from '../../vocabulary.ts';
import { connectionAzureName } from '../shared/connection-ids.ts';
import type { Step as FrameStep } from '../shared/frame/steps.ts';
import { type AzureActors, resolvedActor } from '../shared/namespace-actors.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { ownerValue } from '../shared/owner-tag.ts';

export interface ConnectionSettings {
  clusterId: string;
  namespacePolicy: NamespacePolicy;
  /** A connection Azure does not report Connected is looked at again after this long. */
  notConnectedRecheckMs: number;
}

/** Built once per controller, shared by every reconcile. */
export interface ConnectionShared {
  kube: KubeClient;
  patcher: StatusPatcher;
  actors: AzureActors;
  gatewaysFor(actor: AzureActor, subscriptionId: string): AzureGateways;
  events: EventRecorder;
  namespaces: WatchedSource<V1Namespace>;
  /** The workflows, for a deletion that waits while one still names the connection. */
  workflows: WatchedSource<LogicAppWorkflow>;
  settings: ConnectionSettings;
  clock: Clock;
}

export class ConnectionRun {
  object: LogicAppConnection;
  actor?: AzureActor;
  /** The connection as Azure last showed it in this pass, once it is known to be this object's. */
  observed?: ObservedConnection;
  /** What the read found in Azure; undefined when the pass stopped before it (status keeps what it had). */
  found?: 'ours' | 'missing' | "someone else's";
  /** What differed from the spec and was written in this pass (empty: nothing). */
  repaired: string[] = [];

  constructor(
    readonly shared: ConnectionShared,
    object: LogicAppConnection,
    readonly rc: ReconcileContext,
  ) {
    this.object = object;
  }

  get spec() {
    return this.object.spec;
  }

  get namespace(): string {
    return this.object.metadata.namespace ?? '';
  }

  get ref(): ConnectionRef {
    const { subscriptionId, resourceGroup } = this.spec;
    return { subscriptionId, resourceGroup, name: connectionAzureName(this.object) };
  }

  get owner(): string {
    return ownerValue(this.shared.settings.clusterId, this.namespace, this.object.metadata.name ?? '');
  }

  get paused(): boolean {
    return this.object.metadata.annotations?.[PAUSED_ANNOTATION] === 'true';
  }

  get namespaceAnnotations(): Record<string, string> | undefined {
    return this.shared.namespaces.get(this.namespace)?.metadata?.annotations;
  }

  /** The connection gateway of the spec's subscription, as this namespace's actor (resolved first). */
  get connections() {
    return this.shared.gatewaysFor(resolvedActor(this.actor), this.spec.subscriptionId).connections;
  }

  async event(type: EventType, reason: string, action: string, note: string): Promise<void> {
    await this.shared.events.record(this.object, type, reason, action, note);
  }

  get signal(): AbortSignal {
    return this.rc.signal;
  }
}

export type Step = FrameStep<ConnectionRun>;
