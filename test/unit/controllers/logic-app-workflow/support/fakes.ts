// Fakes for reconcile-level tests: the kit's API server (test/support/fake-api-server.ts) with a
// log of the frame's calls (JSON-Patch finalizers, merge-patch status), in-memory Azure gateways
// with a call log, and plain sources. No SDK method is mocked: the gateways are the seam (docs/design.md).
import type { Workflow } from '@azure/arm-logic';
import type { KubernetesObject } from '@kubernetes/client-node';
import { endpointsConfiguration, propertiesAsReturned } from '@logicops/azure-emulator';
import {
  AzureError,
  type AzureFailure,
  type AzureGateways,
  type DesiredWorkflow,
  type ObservedRun,
  type ObservedTrigger,
  type ObservedVault,
  type ObservedWorkflow,
  type UserAssignedIdentity,
  type WorkflowRef,
} from '../../../../../src/azure/index.ts';
import { fromArmWorkflow, toArmWorkflow } from '../../../../../src/azure/workflow-model.ts';
import type { EventRecorder } from '../../../../../src/runtime/events.ts';
import type { CacheEvent, CacheEventHandler, WatchedSource } from '../../../../../src/runtime/index.ts';
import { keyOf } from '../../../../../src/runtime/index.ts';
import { FakeApiServer } from '../../../../support/fake-api-server.ts';

/**
 * The kit's strict API server, with a log of the calls these tests assert: one line per
 * finalizer operation and per status patch, as each request arrives (cleared with `calls.length = 0`).
 */
export class FakeKube extends FakeApiServer {
  readonly calls: string[] = [];

  constructor() {
    super();
    this.beforeRequest = ({ verb, subresource, body }) => {
      if (verb !== 'patch') return;
      if (subresource === 'status') this.calls.push('patch status');
      else if (Array.isArray(body)) {
        for (const { op } of body as Array<{ op: string }>) {
          if (op === 'add') this.calls.push('add finalizer');
          if (op === 'remove') this.calls.push('remove finalizer');
        }
      }
    };
  }
}

export class FakeSource<K extends KubernetesObject> implements WatchedSource<K> {
  readonly hasSynced = true;
  readonly reportsEveryChange = true;
  private readonly handlers = new Set<CacheEventHandler<K>>();
  constructor(private readonly objects: K[] = []) {}
  /** Replaces the contents; subscribers hear every object go and every new one come, as after a relist. */
  set(objects: K[]): void {
    const gone = this.objects.splice(0, this.objects.length, ...objects);
    for (const object of gone) this.emit({ type: 'deleted', object });
    for (const object of objects) this.emit({ type: 'added', object });
  }
  private emit(event: CacheEvent<K>): void {
    for (const handler of this.handlers) handler(event);
  }
  get(key: string): Readonly<K> | undefined {
    return this.objects.find((object) => keyOf(object) === key);
  }
  list(): Readonly<K>[] {
    return [...this.objects];
  }
  keys(): string[] {
    return this.objects.map(keyOf);
  }
  subscribe(handler: CacheEventHandler<K>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
  async waitForSync(): Promise<void> {}
}

export const PRINCIPAL = '11111111-1111-1111-1111-111111111111';
export const TENANT = '22222222-2222-2222-2222-222222222222';

/**
 * A stored workflow as Azure answers it: secure values withheld, evaluatedRecurrence dropped,
 * parameter types in the spec's casing — the emulator's own read-back, one belief for both.
 */
export function asReturned(stored: ObservedWorkflow): ObservedWorkflow {
  const copy = structuredClone(stored);
  const properties = propertiesAsReturned({ definition: copy.definition, parameters: copy.parameters });
  return {
    ...copy,
    definition: properties.definition as ObservedWorkflow['definition'],
    parameters: properties.parameters as ObservedWorkflow['parameters'],
  };
}

/**
 * What the PUT body (the gateway's own mapping) carries of access control and resource
 * references, read back as the gateway reads them; endpointsConfiguration as the emulator fills
 * it in for the region, whatever was sent.
 */
function sentAndRegional(desired: DesiredWorkflow): Partial<ObservedWorkflow> {
  const arm = toArmWorkflow(desired);
  const back = fromArmWorkflow({
    ...arm,
    endpointsConfiguration: endpointsConfiguration(desired.location) as Workflow['endpointsConfiguration'],
  });
  const {
    accessControl,
    integrationAccount,
    integrationServiceEnvironment,
    endpointsConfiguration: endpoints,
  } = back;
  return {
    ...(accessControl ? { accessControl } : {}),
    ...(integrationAccount ? { integrationAccount } : {}),
    ...(integrationServiceEnvironment ? { integrationServiceEnvironment } : {}),
    ...(endpoints ? { endpointsConfiguration: endpoints } : {}),
  };
}

/** Azure for one subscription: workflows, vaults and identities in memory; every call logged. */
export class FakeAzure {
  readonly calls: string[] = [];
  /** What Azure holds (reads answer it through `asReturned`). */
  readonly workflows = new Map<string, ObservedWorkflow>();
  /** Azure's version stamp: a new one on every write. */
  private versions = 0;
  readonly vaults = new Map<string, ObservedVault>();
  readonly identities = new Map<string, UserAssignedIdentity>();
  /** Per workflow name: how often its primary access key was drawn (the callback URL's `sig` follows it). */
  readonly accessKeyGenerations = new Map<string, number>();
  /** Runs per workflow name, newest first, as run history lists them. */
  readonly runs = new Map<string, ObservedRun[]>();
  /** Thrown by the next call of that operation (e.g. `workflows.createOrUpdate`). */
  readonly failNext = new Map<string, AzureFailure>();

  /** A version stamp as a write (ours or someone else's) gets. */
  newVersion(): string {
    this.versions += 1;
    return String(this.versions).padStart(20, '0');
  }

  private maybeFail(operation: string): void {
    this.calls.push(operation);
    const failure = this.failNext.get(operation);
    if (failure) {
      this.failNext.delete(operation);
      throw new AzureError(operation, failure);
    }
  }

  /** Records a run of the workflow's first trigger (or `trigger`), as a caller or the schedule would start it. */
  addRun(workflow: string, run: Omit<ObservedRun, 'trigger'> & { trigger?: string }): ObservedRun {
    const declared = Object.keys(this.workflows.get(workflow)?.definition?.triggers ?? {});
    const recorded: ObservedRun = { trigger: declared[0] ?? 'manual', ...run };
    this.runs.set(workflow, [recorded, ...(this.runs.get(workflow) ?? [])]);
    return recorded;
  }

  /** The definition's triggers as Azure reports them: state as the workflow's, last execution from its runs. */
  triggersOf(workflow: string): ObservedTrigger[] {
    const stored = this.workflows.get(workflow);
    const runs = this.runs.get(workflow) ?? [];
    return Object.keys(stored?.definition?.triggers ?? {}).map((name) => {
      const last = runs.find((run) => run.trigger === name)?.startTime;
      return { name, state: stored?.state ?? 'Enabled', ...(last ? { lastExecutionTime: last } : {}) };
    });
  }

  gateways(): AzureGateways {
    const azure = this;
    return {
      workflows: {
        async get(ref: WorkflowRef) {
          azure.maybeFail('workflows.get');
          const found = azure.workflows.get(ref.name);
          return found && asReturned(found);
        },
        async createOrUpdate(ref: WorkflowRef, desired: DesiredWorkflow) {
          azure.maybeFail('workflows.createOrUpdate');
          const stored: ObservedWorkflow = {
            id: `/subscriptions/00000000-0000-4000-8000-00000000000a/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Logic/workflows/${ref.name}`,
            name: ref.name,
            location: desired.location,
            tags: { ...desired.tags },
            identity:
              desired.identity.type === 'SystemAssigned'
                ? { type: 'SystemAssigned', principalId: PRINCIPAL, tenantId: TENANT }
                : {
                    type: desired.identity.type,
                    userAssignedIdentityId: desired.identity.userAssignedIdentityId,
                  },
            state: desired.state,
            provisioningState: 'Succeeded',
            accessEndpoint: `https://prod-00.westeurope.logic.azure.com/workflows/${ref.name}`,
            definition: structuredClone(desired.definition),
            parameters: structuredClone(desired.parameters),
            version: azure.newVersion(),
            ...sentAndRegional(desired),
          };
          azure.workflows.set(ref.name, stored);
          return asReturned(stored);
        },
        async delete(ref: WorkflowRef) {
          azure.maybeFail('workflows.delete');
          azure.workflows.delete(ref.name);
        },
        async listByResourceGroup() {
          azure.maybeFail('workflows.listByResourceGroup');
          return [...azure.workflows.values()].map(asReturned);
        },
        async listBySubscription<T = ObservedWorkflow>(
          _options?: unknown,
          select: (workflow: ObservedWorkflow) => T = (workflow) => workflow as unknown as T,
        ) {
          azure.maybeFail('workflows.listBySubscription');
          return [...azure.workflows.values()].map(asReturned).map(select);
        },
      },
      workflowCallbacks: {
        async triggerCallbackUrl(ref: WorkflowRef, triggerName: string) {
          azure.maybeFail('workflowTriggers.listCallbackUrl');
          if (!azure.workflows.has(ref.name)) throw new Error(`no workflow ${ref.name}`);
          const generation = azure.accessKeyGenerations.get(ref.name) ?? 0;
          return `https://callback.test/workflows/${ref.name}/triggers/${triggerName}/paths/invoke?sv=1.0&sig=key-${generation}`;
        },
        async regenerateAccessKey(ref: WorkflowRef, keyType: string) {
          azure.maybeFail('workflows.regenerateAccessKey');
          if (keyType === 'Primary') {
            azure.accessKeyGenerations.set(ref.name, (azure.accessKeyGenerations.get(ref.name) ?? 0) + 1);
          }
        },
      },
      workflowRuns: {
        async recentRuns(ref: WorkflowRef, top: number) {
          azure.maybeFail('workflowRuns.recentRuns');
          return structuredClone((azure.runs.get(ref.name) ?? []).slice(0, top));
        },
        async triggers(ref: WorkflowRef) {
          azure.maybeFail('workflowRuns.triggers');
          return azure.triggersOf(ref.name);
        },
      },
      identities: {
        async getUserAssigned(id: string) {
          azure.maybeFail('identities.getUserAssigned');
          return azure.identities.get(id.toLowerCase());
        },
      },
      vaults: {
        async get(ref) {
          azure.maybeFail('vaults.get');
          return azure.vaults.get(ref.name);
        },
        addAccessPolicy: unexpected,
        addAccessPolicies: unexpected,
        removeAccessPolicy: unexpected,
        secretExists: unexpected,
        countAccessPolicies: unexpected,
      },
      roleAssignments: new Proxy({} as AzureGateways['roleAssignments'], { get: () => unexpected }),
      connections: new Proxy({} as AzureGateways['connections'], { get: () => unexpected }),
    };
  }
}

async function unexpected(): Promise<never> {
  throw new Error('the workflow controller must not call this');
}

export class RecordingEvents implements EventRecorder {
  readonly recorded: Array<{ type: string; reason: string; note: string }> = [];
  async record(_object: KubernetesObject, type: string, reason: string, _action: string, note: string) {
    this.recorded.push({ type, reason, note });
  }
}
