// A small world for WorkflowRoleAssignment reconcile tests: the fake API server, the fake Azure
// and in-memory records of the binding tests, a fake clock, and the real reconcile function.
import type { V1Namespace } from '@kubernetes/client-node';
import { PrincipalAges } from '../../../../../src/controllers/shared/grants/principal-ages.ts';
import { RoleAssignmentCounts } from '../../../../../src/controllers/shared/grants/role-assignment-counts.ts';
import { WorkflowIdentities } from '../../../../../src/controllers/shared/grants/workflow-identities.ts';
import { namespacePolicy } from '../../../../../src/controllers/shared/namespace-policy.ts';
import type { RoleGrantShared } from '../../../../../src/controllers/workflow-role-assignment/context.ts';
import { createRoleAssignmentReconciler } from '../../../../../src/controllers/workflow-role-assignment/reconcile.ts';
import type {
  LogicAppWorkflow,
  WorkflowRoleAssignment,
  WorkflowRoleAssignmentSpec,
} from '../../../../../src/crds/index.ts';
import { type ReconcileResult, StatusPatcher } from '../../../../../src/runtime/index.ts';
import { ALLOWED_ROLE_SCOPES_ANNOTATION, ALLOWED_ROLES_ANNOTATION } from '../../../../../src/vocabulary.ts';
import { everyNamespaceAs } from '../../../../support/azure-actors.ts';
import { FakeApiServer } from '../../../../support/fake-api-server.ts';
import { FakeClock } from '../../../../support/fake-clock.ts';
import { cachedWorkflow, seedIdentityRecord } from '../../shared/support/cached-workflow.ts';
import { eventLog, type RecordedEvent } from '../../shared/support/event-log.ts';
import { MemoryRecords } from '../../shared/support/memory-records.ts';
import { onePass } from '../../shared/support/one-pass.ts';
import { FakeAzure } from '../../vault-secret-binding/support/fake-azure.ts';
import { ListSource } from '../../vault-secret-binding/support/world.ts';

export const SUBSCRIPTION = '11111111-2222-4333-8444-555555555555';
export const TENANT = '99999999-2222-4333-8444-555555555555';
export const PRINCIPAL = 'aaaaaaaa-0000-4000-8000-000000000001';
export const NAMESPACE = 'team-a';
const KIND = 'WorkflowRoleAssignment';
export const SB_NAMESPACE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/team-a/providers/Microsoft.ServiceBus/namespaces/sb-a`;
export const QUEUE = `${SB_NAMESPACE}/queues/orders`;
export const RECEIVER = 'Azure Service Bus Data Receiver';

export function createRoleWorld(options: { roleAssignmentsPerSubscription?: number } = {}) {
  const journal: string[] = [];
  const kube = new FakeApiServer();
  const records = new MemoryRecords(journal);
  const azure = new FakeAzure(journal);
  const clock = new FakeClock();
  const workflows = new Map<string, LogicAppWorkflow>();
  const namespaces = new Map<string, V1Namespace>();
  const events: RecordedEvent[] = [];
  const counts = new RoleAssignmentCounts(clock, 0);
  const shared: RoleGrantShared = {
    kube: kube.asClient(),
    patcher: new StatusPatcher(kube.asClient()),
    actors: everyNamespaceAs(),
    gatewaysFor: () => azure.gateways(),
    events: eventLog(events),
    workflows: new ListSource(() => [...workflows.entries()]),
    namespaces: new ListSource(() => [...namespaces.entries()]),
    records: records.records,
    identities: new WorkflowIdentities(records.records),
    roleAssignmentCounts: counts,
    principals: new PrincipalAges(clock),
    clock,
    settings: {
      clusterId: 'test-cluster',
      namespacePolicy: namespacePolicy(true),
      roleAssignmentsPerSubscription: options.roleAssignmentsPerSubscription ?? 4000,
      principalPropagationMs: 0,
    },
  };
  const read = (name: string, namespace = NAMESPACE) =>
    kube.read<WorkflowRoleAssignment>(KIND, namespace, name);
  return {
    journal,
    kube,
    records,
    azure,
    events,
    /** Azure writes only (the journal also holds record writes and finalizer changes). */
    azureWrites: () => journal.filter((entry) => entry.startsWith('azure:')),
    allow(scopes = SB_NAMESPACE, roles = RECEIVER, namespace = NAMESPACE) {
      namespaces.set(namespace, {
        metadata: {
          name: namespace,
          annotations: { [ALLOWED_ROLE_SCOPES_ANNOTATION]: scopes, [ALLOWED_ROLES_ANNOTATION]: roles },
        },
      });
    },
    workflow(name: string, principalId: string | undefined, namespace = NAMESPACE, deleting = false) {
      workflows.set(`${namespace}/${name}`, cachedWorkflow(name, namespace, deleting));
      if (principalId) {
        seedIdentityRecord(
          records,
          { namespace, name },
          { principalId, tenantId: TENANT, principalObservedAt: new Date(clock.now()).toISOString() },
        );
      }
    },
    assignment(name: string, spec: Partial<WorkflowRoleAssignmentSpec> = {}, namespace = NAMESPACE) {
      kube.put({
        apiVersion: 'logicops.io/v1alpha1',
        kind: KIND,
        metadata: { name, namespace, uid: `uid-${namespace}-${name}`, generation: 1 },
        spec: {
          workflowRef: { name: 'wf' },
          scope: QUEUE,
          role: RECEIVER,
          deletionPolicy: 'Delete',
          ...spec,
        },
      });
    },
    get: read,
    find: (name: string, namespace = NAMESPACE) => kube.find<WorkflowRoleAssignment>(KIND, namespace, name),
    record: (name: string, namespace = NAMESPACE) => records.records.read('role-grant', namespace, name),
    markDeleted(name: string, namespace = NAMESPACE) {
      const object = read(name, namespace);
      object.metadata.deletionTimestamp = new Date('2026-01-01T00:00:00Z');
      kube.put(object);
    },
    pass(name: string, namespace = NAMESPACE): Promise<ReconcileResult | Error> {
      return onePass(`${namespace}/${name}`, clock, (context) =>
        createRoleAssignmentReconciler(shared)(read(name, namespace), context),
      );
    },
  };
}

export function condition(object: WorkflowRoleAssignment, type: string) {
  return object.status?.conditions?.find((c) => c.type === type);
}
