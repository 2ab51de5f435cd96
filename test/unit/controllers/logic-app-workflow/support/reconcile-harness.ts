// One reconcile-level world for LogicAppWorkflow tests: the controller's deps wired to the
// in-memory API server, fake Azure, watched sources and operator records (support/fakes.ts), the
// namespace `team-a` admitting resource group `rg`, and the helpers every such test uses to run a
// pass on the stored object and read back what it wrote. Each test file keeps its own workflows.
import type { KubernetesObject, V1Namespace } from '@kubernetes/client-node';
import type {
  LogicAppWorkflowControllerDeps,
  LogicAppWorkflowControllerSettings,
} from '../../../../../src/controllers/logic-app-workflow/context.ts';
import { createLogicAppWorkflowReconciler } from '../../../../../src/controllers/logic-app-workflow/reconcile.ts';
import { leanWorkflow } from '../../../../../src/controllers/logic-app-workflow/spec-limits.ts';
import { namespacePolicy } from '../../../../../src/controllers/shared/namespace-policy.ts';
import type {
  LogicAppConnection,
  LogicAppWorkflow,
  VaultSecretBinding,
} from '../../../../../src/crds/index.ts';
import { silentLogger } from '../../../../../src/observability/logger.ts';
import type { ReconcileContext, ReconcileFn } from '../../../../../src/runtime/index.ts';
import { everyNamespaceAs } from '../../../../support/azure-actors.ts';
import { FakeClock } from '../../../../support/fake-clock.ts';
import { MemoryRecords } from '../../shared/support/memory-records.ts';
import { reconcileContext } from '../../shared/support/one-pass.ts';
import { FakeAzure, FakeKube, FakeSource, RecordingEvents, TENANT } from './fakes.ts';

export const NS = 'team-a';
export const SUBSCRIPTION_ID = '00000000-0000-4000-8000-00000000000a';
export const KEY = `${NS}/wf`;
export const VAULT_ID = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1`;

export interface ReconcileHarnessOptions {
  /** Shared across a file's tests when the file creates it once; a fresh one per harness otherwise. */
  clock?: FakeClock;
  /** Vault kv1 exists in Azure (RBAC model) and the namespace admits vaults of `rg`. */
  vault?: boolean;
  bindings?: VaultSecretBinding[];
  /** LogicAppConnections in the cache (spec.connections). */
  connections?: LogicAppConnection[];
  /** Where MemoryRecords journals its writes (memory-records.ts). */
  journal?: string[];
  settings?: Partial<LogicAppWorkflowControllerSettings>;
  /** Reconcile the copy a lean informer cache holds (spec-limits.ts `leanWorkflow`), as the controller does. */
  lean?: boolean;
}

export class ReconcileHarness {
  readonly kube = new FakeKube();
  readonly azure = new FakeAzure();
  readonly events = new RecordingEvents();
  readonly clock: FakeClock;
  readonly bindings: FakeSource<VaultSecretBinding>;
  readonly configMaps = new FakeSource<KubernetesObject>();
  readonly connections: FakeSource<LogicAppConnection>;
  readonly namespaces: FakeSource<V1Namespace>;
  readonly records: MemoryRecords;
  readonly deps: LogicAppWorkflowControllerDeps;
  reconcile: ReconcileFn<LogicAppWorkflow>;
  private readonly lean: boolean;

  constructor(options: ReconcileHarnessOptions = {}) {
    this.clock = options.clock ?? new FakeClock();
    this.lean = options.lean ?? false;
    this.bindings = new FakeSource(options.bindings ?? []);
    this.connections = new FakeSource(options.connections ?? []);
    this.records = new MemoryRecords(options.journal);
    const allowed: Record<string, string> = {
      'logicops.io/allowed-resource-groups': `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg`,
    };
    if (options.vault) {
      allowed['logicops.io/allowed-vaults'] =
        `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/*`;
      this.azure.vaults.set('kv1', {
        id: VAULT_ID,
        name: 'kv1',
        location: 'westeurope',
        tenantId: TENANT,
        vaultUri: 'https://kv1.vault.azure.net/',
        enableRbacAuthorization: true,
        accessPolicies: [],
      });
    }
    this.namespaces = new FakeSource<V1Namespace>([{ metadata: { name: NS, annotations: allowed } }]);
    this.deps = {
      workflows: new FakeSource<LogicAppWorkflow>(),
      bindings: this.bindings,
      configMaps: this.configMaps,
      connections: this.connections,
      namespaces: this.namespaces,
      records: this.records.records,
      kube: this.kube.asClient(),
      actors: everyNamespaceAs(),
      gatewaysFor: () => this.azure.gateways(),
      events: this.events,
      logger: silentLogger(),
      clock: this.clock,
      settings: {
        clusterId: 'c1',
        namespacePolicy: namespacePolicy(true),
        quota: { workflowsPerRegion: 10, managedIdentityWorkflowsPerSubscriptionRegion: 10 },
        ...options.settings,
      },
    };
    this.reconcile = createLogicAppWorkflowReconciler(this.deps);
  }

  /** A new reconciler on the same world, as after an operator restart: no memory of earlier passes. */
  restart(settings: Partial<LogicAppWorkflowControllerSettings> = {}): void {
    this.reconcile = createLogicAppWorkflowReconciler({
      ...this.deps,
      settings: { ...this.deps.settings, ...settings },
    });
  }

  readonly context = (): ReconcileContext => reconcileContext(KEY, this.clock, 'r');

  /** Stores `object` (as the API server would), then reconciles the copy the informer cache holds. */
  readonly run = async (object?: LogicAppWorkflow) => {
    if (object) this.kube.put(object);
    const current = this.kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf');
    if (!current) throw new Error('no object');
    const cached = structuredClone(current);
    return this.reconcile(this.lean ? leanWorkflow(cached) : cached, this.context());
  };

  readonly stored = () => this.kube.find<LogicAppWorkflow>('LogicAppWorkflow', NS, 'wf');
  readonly condition = (type: string) => this.stored()?.status?.conditions?.find((c) => c.type === type);
  /** How many times the workflow was written to Azure. */
  readonly writes = () => this.azure.calls.filter((call) => call === 'workflows.createOrUpdate').length;
}

/**
 * Workflow `wf` of namespace NS as a user applies it: system-assigned identity, Enabled, deleted
 * with its resource, secure run history on, in resource group `rg`; `spec` and `metadata` add or override.
 */
export function workflowObject(
  spec: Partial<LogicAppWorkflow['spec']> & Pick<LogicAppWorkflow['spec'], 'definition'>,
  metadata: Partial<LogicAppWorkflow['metadata']> = {},
): LogicAppWorkflow {
  return {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'wf', namespace: NS, generation: 1, resourceVersion: '1', uid: 'u1', ...metadata },
    spec: {
      subscriptionId: SUBSCRIPTION_ID,
      resourceGroup: 'rg',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: spec.definition,
      deletionPolicy: 'Delete',
      secureRunHistory: true,
      ...spec,
    },
  };
}
