// What a reconcile of one LogicAppWorkflow works with: the controller's dependencies, and a
// WorkflowRun holding what the steps learn on the way (Azure's view, the resolved definition,
// the desired workflow, the status draft). Steps have the frame's one signature
// (controllers/shared/frame/steps.ts): an outcome concludes the pass, nothing hands over to the next step.
import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  AzureActor,
  AzureGateways,
  DesiredWorkflow,
  ObservedWorkflow,
  WorkflowRef,
} from '../../azure/index.ts';
import type {
  LogicAppConnection,
  LogicAppWorkflow,
  RunHistoryExposure,
  WorkflowDefinition,
} from '../../crds/index.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ReconcileContext, ResyncSettings, WatchedSource } from '../../runtime/index.ts';
import type { ControllerDeps } from '../shared/controller-deps.ts';
import type { Step as FrameStep } from '../shared/frame/steps.ts';
import { resolvedActor } from '../shared/namespace-actors.ts';
import type { NamespacePolicy } from '../shared/namespace-policy.ts';
import { ownerValue } from '../shared/owner-tag.ts';
import { isPaused } from './annotations.ts';
import type { ConfigMapDefinitions } from './config-map-definitions.ts';
import type { ConnectionParameterEntry } from './connections-parameter.ts';
import type { QuotaCheck, WorkflowQuotaLimits } from './quota.ts';
import type { RunReports } from './run-reports.ts';
import type { StatusDraft } from './status.ts';
import type { VaultUris } from './vault-uris.ts';
import type { WorkflowCounts } from './workflow-counts.ts';

export interface LogicAppWorkflowControllerSettings {
  /** First part of the owner tag: `<clusterId>/<namespace>/<name>`. */
  clusterId: string;
  namespacePolicy: NamespacePolicy;
  quota: WorkflowQuotaLimits;
  workers?: number;
  resync?: ResyncSettings;
  /** How long a vault's URI, once read, is reused for injected secret URIs. Default 0: read every pass. */
  vaultUriTtlMs?: number;
  /** How long one listing of the subscription's workflows serves quota checks. Default 30 s. */
  quotaListTtlMs?: number;
  /** How often to look again while waiting on something no watch reports (a vault, bindings). Default 30 s. */
  waitPollMs?: number;
  /** How often a workflow's run history is read for status (steps/report-runs.ts). Default: the resync period; 0: never. */
  runReportIntervalMs?: number;
}

export interface LogicAppWorkflowControllerDeps extends ControllerDeps {
  /** Metadata only (controllers/informers.ts): which ConfigMaps exist, at which resourceVersion. */
  configMaps: WatchedSource<KubernetesObject>;
  /** The LogicAppConnections spec.connections names, for `$connections` (steps/connections.ts). */
  connections: WatchedSource<LogicAppConnection>;
  settings: LogicAppWorkflowControllerSettings;
}

export const DEFAULT_WAIT_POLL_MS = 30_000;

export class WorkflowRun {
  observed: ObservedWorkflow | undefined;
  definition: WorkflowDefinition | undefined;
  /** Parameter name → secret URI, from bindings with spec.parameterName. */
  secretUris: Record<string, string> = {};
  /**
   * Parameter name → value read from a Secret key (spec.parametersFrom), for this pass only:
   * never logged, never in status; the write step keeps only its salted digest.
   */
  secretParameters: Record<string, unknown> = {};
  /** The `$connections` value from spec.connections (steps/connections.ts); undefined without them. */
  connectionsParameter: Record<string, ConnectionParameterEntry> | undefined;
  desired: DesiredWorkflow | undefined;
  /** Actions whose secret data Azure cannot hide; undefined while not analysed (secureRunHistory off). */
  exposedInRunHistory: RunHistoryExposure[] | undefined;
  readonly status: StatusDraft = {};
  /** The controller's shared quota listing; absent: every check lists the subscription. */
  workflowCounts: WorkflowCounts | undefined;
  /** This pass's quota count (steps/quota.ts), kept so a create can be counted in status. */
  quotaCheck: QuotaCheck | undefined;
  /** Vault URIs already resolved for injected secret URIs; absent: read the vault each pass. */
  vaultUris: VaultUris | undefined;
  /** ConfigMap definitions already read, per resourceVersion; absent: a GET each pass. */
  configMapDefinitions: ConfigMapDefinitions | undefined;
  /** The Request trigger whose callback URL spec.callbackUrl asks for (steps/callback-url.ts). */
  callbackTrigger: string | undefined;
  /** Who acts in Azure for this workflow's namespace (steps/azure-actor.ts); set before any Azure call. */
  actor: AzureActor | undefined;
  /** This pass created the Azure workflow (it has no runs yet). */
  created = false;
  /** When each workflow's run history was last read (steps/report-runs.ts); absent: never read. */
  runReports: RunReports | undefined;

  constructor(
    readonly deps: LogicAppWorkflowControllerDeps,
    /** The object as last stored (replaced once the finalizer is added). */
    public object: LogicAppWorkflow,
    readonly context: ReconcileContext,
    /** Per key, the digest of what this controller last wrote (telling drift from spec changes). */
    readonly writtenDigests: Map<string, string>,
  ) {}

  /** The digest of what this controller last wrote for this object, if it remembers. */
  get lastWrittenDigest(): string | undefined {
    return this.writtenDigests.get(this.context.key);
  }

  get spec() {
    return this.object.spec;
  }
  get namespace(): string {
    return this.object.metadata.namespace ?? '';
  }
  get name(): string {
    return this.object.metadata.name ?? '';
  }
  get generation(): number {
    return this.object.metadata.generation ?? 0;
  }
  get paused(): boolean {
    return isPaused(this.object);
  }
  get ref(): WorkflowRef {
    return { resourceGroup: this.spec.resourceGroup, name: this.spec.azureName ?? this.name };
  }
  get owner(): string {
    return ownerValue(this.deps.settings.clusterId, this.namespace, this.name);
  }
  get logger(): Logger {
    return this.context.logger;
  }
  get signal(): AbortSignal {
    return this.context.signal;
  }
  /** The gateways of the workflow's own subscription. */
  get gateways(): AzureGateways {
    return this.gatewaysIn(this.spec.subscriptionId);
  }
  /** The gateways of another subscription (a vault's, a user-assigned identity's), as this namespace's actor. */
  gatewaysIn(subscriptionId: string): AzureGateways {
    return this.deps.gatewaysFor(this.actingActor(), subscriptionId);
  }
  /** Who acts for this namespace, by key: the shared reads this pass may use are that actor's own. */
  get actorKey(): string {
    return this.actingActor().key;
  }
  private actingActor(): AzureActor {
    return resolvedActor(this.actor);
  }
  get waitPollMs(): number {
    return this.deps.settings.waitPollMs ?? DEFAULT_WAIT_POLL_MS;
  }
}

/** A step of this kind (controllers/shared/frame/steps.ts). */
export type Step = FrameStep<WorkflowRun>;
