// What every kind's controller is built from: the caches it reads, the operator records, the
// clients it writes with, and the process's logger, clock and metrics. A kind's deps extend this
// with its own extra caches and settings.
import type { V1Namespace } from '@kubernetes/client-node';
import type { AzureActor, AzureGateways } from '../../azure/index.ts';
import type { LogicAppWorkflow, VaultSecretBinding } from '../../crds/index.ts';
import type { Logger } from '../../observability/logger.ts';
import type { OperatorMetrics } from '../../observability/metrics.ts';
import type { EventRecorder } from '../../runtime/events.ts';
import type { Clock, KubeClient, WatchedSource } from '../../runtime/index.ts';
import type { AzureActors } from './namespace-actors.ts';
import type { OperatorRecords } from './records/operator-records.ts';

export interface ControllerDeps {
  workflows: WatchedSource<LogicAppWorkflow>;
  bindings: WatchedSource<VaultSecretBinding>;
  /** Cluster-scoped: the namespace policy annotations. */
  namespaces: WatchedSource<V1Namespace>;
  /** The operator's own records: grant ledgers, vouched identities, secure-value digests. */
  records: OperatorRecords;
  kube: KubeClient;
  /** Who acts in Azure for a namespace's objects (namespace-actors.ts). */
  actors: AzureActors;
  /** The gateways of one subscription, acting as `actor`. */
  gatewaysFor(actor: AzureActor, subscriptionId: string): AzureGateways;
  events: EventRecorder;
  logger: Logger;
  clock?: Clock;
  /** controller-runtime's reconcile and workqueue metrics; omitted in unit tests. */
  metrics?: OperatorMetrics;
}
