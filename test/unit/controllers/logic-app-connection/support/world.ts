// A small world for LogicAppConnection reconcile tests: the fake API server, an in-memory
// connection gateway with a call log (the gateway is the seam; no SDK method is mocked), a fake
// clock, and the real reconcile function.
import type { V1Namespace } from '@kubernetes/client-node';
import {
  type AzureGateways,
  type ConnectionGateway,
  type ConnectionRef,
  connectionId,
  type DesiredConnection,
  managedApiId,
  type ObservedConnection,
} from '../../../../../src/azure/index.ts';
import type { ConnectionShared } from '../../../../../src/controllers/logic-app-connection/context.ts';
import { createConnectionReconciler } from '../../../../../src/controllers/logic-app-connection/reconcile.ts';
import { namespacePolicy } from '../../../../../src/controllers/shared/namespace-policy.ts';
import type {
  LogicAppConnection,
  LogicAppConnectionSpec,
  LogicAppWorkflow,
} from '../../../../../src/crds/index.ts';
import { type ReconcileResult, StatusPatcher } from '../../../../../src/runtime/index.ts';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION } from '../../../../../src/vocabulary.ts';
import { everyNamespaceAs } from '../../../../support/azure-actors.ts';
import { FakeApiServer } from '../../../../support/fake-api-server.ts';
import { FakeClock } from '../../../../support/fake-clock.ts';
import { eventLog, type RecordedEvent } from '../../shared/support/event-log.ts';
import { onePass } from '../../shared/support/one-pass.ts';
import { ListSource } from '../../vault-secret-binding/support/world.ts';

export const SUBSCRIPTION = '11111111-2222-4333-8444-555555555555';
export const NAMESPACE = 'team-a';
export const RESOURCE_GROUP = 'team-a-rg';
export const OWNER = `test-cluster/${NAMESPACE}/orders-bus`;
const KIND = 'LogicAppConnection';

/** Connections as Azure stores them; every call in `calls` (`get name`, `put name`, `delete name`). */
export class FakeConnections implements ConnectionGateway {
  readonly stored = new Map<string, ObservedConnection>();
  readonly calls: string[] = [];
  overallStatus = 'Connected';

  async get(ref: ConnectionRef) {
    this.calls.push(`get ${ref.name}`);
    const found = this.stored.get(ref.name);
    return found && structuredClone(found);
  }

  async createOrUpdate(ref: ConnectionRef, desired: DesiredConnection) {
    this.calls.push(`put ${ref.name}`);
    const stored: ObservedConnection = {
      id: connectionId(ref),
      location: desired.location,
      tags: { ...desired.tags },
      displayName: desired.displayName,
      apiId: managedApiId(ref.subscriptionId, desired.location, desired.api),
      parameterValueSet: structuredClone(desired.parameterValueSet),
      overallStatus: this.overallStatus,
    };
    this.stored.set(ref.name, stored);
    return structuredClone(stored);
  }

  async delete(ref: ConnectionRef) {
    this.calls.push(`delete ${ref.name}`);
    this.stored.delete(ref.name);
  }

  /** What someone else made in Azure, under `tags`. */
  seed(name: string, tags: Record<string, string>) {
    this.stored.set(name, {
      id: connectionId({ subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, name }),
      location: 'westeurope',
      tags,
      displayName: 'theirs',
      apiId: managedApiId(SUBSCRIPTION, 'westeurope', 'servicebus'),
      overallStatus: 'Connected',
    });
  }

  writes(): string[] {
    return this.calls.filter((call) => !call.startsWith('get '));
  }
}

export function createConnectionWorld() {
  const kube = new FakeApiServer();
  const clock = new FakeClock();
  const connections = new FakeConnections();
  const namespaces = new Map<string, V1Namespace>();
  const workflows = new Map<string, LogicAppWorkflow>();
  const events: RecordedEvent[] = [];
  const shared: ConnectionShared = {
    kube: kube.asClient(),
    patcher: new StatusPatcher(kube.asClient()),
    actors: everyNamespaceAs(),
    gatewaysFor: () => ({ connections }) as unknown as AzureGateways,
    events: eventLog(events),
    namespaces: new ListSource(() => [...namespaces.entries()]),
    workflows: new ListSource(() => [...workflows.entries()]),
    clock,
    settings: {
      clusterId: 'test-cluster',
      namespacePolicy: namespacePolicy(true),
      notConnectedRecheckMs: 30_000,
    },
  };
  const read = (name: string) => kube.read<LogicAppConnection>(KIND, NAMESPACE, name);
  return {
    kube,
    connections,
    events,
    allow(resourceGroups = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}`) {
      namespaces.set(NAMESPACE, {
        metadata: { name: NAMESPACE, annotations: { [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: resourceGroups } },
      });
    },
    connection(name: string, spec: Partial<LogicAppConnectionSpec> = {}) {
      kube.put({
        apiVersion: 'logicops.io/v1alpha1',
        kind: KIND,
        metadata: { name, namespace: NAMESPACE, uid: `uid-${name}`, generation: 1 },
        spec: {
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          location: 'westeurope',
          api: 'servicebus',
          parameters: { namespaceEndpoint: 'sb://orders.servicebus.windows.net/' },
          deletionPolicy: 'Delete',
          ...spec,
        },
      });
    },
    update(name: string, change: (object: LogicAppConnection) => void) {
      const object = read(name);
      change(object);
      object.metadata.generation = (object.metadata.generation ?? 1) + 1;
      kube.put(object);
    },
    /** A workflow of the namespace naming `connections` in spec.connections (or, when deleting, going away). */
    workflowUsing(name: string, connections: string[], deleting = false) {
      workflows.set(`${NAMESPACE}/${name}`, {
        apiVersion: 'logicops.io/v1alpha1',
        kind: 'LogicAppWorkflow',
        metadata: {
          name,
          namespace: NAMESPACE,
          ...(deleting ? { deletionTimestamp: new Date('2026-01-01T00:00:00Z') } : {}),
        },
        spec: {
          subscriptionId: SUBSCRIPTION,
          resourceGroup: RESOURCE_GROUP,
          location: 'westeurope',
          identity: { type: 'SystemAssigned' },
          state: 'Enabled',
          deletionPolicy: 'Delete',
          secureRunHistory: true,
          connections: connections.map((c) => ({ name: c, connectionRef: { name: c } })),
        },
      });
    },
    forgetWorkflow(name: string) {
      workflows.delete(`${NAMESPACE}/${name}`);
    },
    get: read,
    find: (name: string) => kube.find<LogicAppConnection>(KIND, NAMESPACE, name),
    markDeleted(name: string) {
      const object = read(name);
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
    },
    pass(name: string): Promise<ReconcileResult | Error> {
      return onePass(`${NAMESPACE}/${name}`, clock, (context) =>
        createConnectionReconciler(shared)(read(name), context),
      );
    },
  };
}

export function condition(object: LogicAppConnection, type: string) {
  return object.status?.conditions?.find((c) => c.type === type);
}
