// Every admission rule of WorkflowRoleAssignment with accepted and rejected variants. Whether a
// role may be granted at all, and on which scopes a namespace may grant, is the operator's
// decision (test/unit/controllers/workflow-role-assignment), not admission's.
import { ROLE, ROLE_SCOPE } from '../../../../src/crds/index.ts';
import { QUEUE_ID, roleAssignment, SUBSCRIPTION } from '../support/fixtures.ts';
import { deletionPolicyRule, type RuleCase, repeat, workflowRefNameRule } from './rule-case.ts';

const base = () => roleAssignment('rules');
const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-messaging`;

/** The queue's id with child segments added up to exactly `length` characters (each name within Azure's bound). */
function scopeOfLength(length: number): string {
  let scope = QUEUE_ID;
  while (scope.length < length) {
    const left = length - scope.length;
    let name = Math.min(200, left - 3);
    // Never leave 1-3 characters: too few for one more `/t/<name>`.
    if (left - 3 - name > 0 && left - 3 - name < 4) name -= 4;
    scope += `/t/${repeat('q', name)}`;
  }
  return scope;
}

export const roleAssignmentRules: RuleCase[] = [
  workflowRefNameRule(base),
  {
    rule: 'scope is the ARM id of a resource, plain segments only',
    base,
    accepted: [
      (o) => (o.spec.scope = `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-orders`),
      (o) =>
        (o.spec.scope = `${RG}/providers/Microsoft.Storage/storageAccounts/stinbox/blobServices/default/containers/in-box`),
      (o) => (o.spec.scope = QUEUE_ID.replace('/resourceGroups/', '/resourcegroups/')),
      (o) =>
        (o.spec.scope = `${RG}/providers/Microsoft.EventHub/namespaces/eh-1/eventhubs/${repeat('e', 200)}`),
    ],
    rejected: [
      (o) => (o.spec.scope = `/subscriptions/${SUBSCRIPTION}`),
      (o) => (o.spec.scope = RG),
      (o) => (o.spec.scope = `${RG}/providers/Microsoft.ServiceBus/namespaces/..`),
      (o) => (o.spec.scope = `${QUEUE_ID}/..`),
      (o) => (o.spec.scope = `${RG}/providers/Microsoft.ServiceBus/namespaces/sb-orders/queues`),
      (o) => (o.spec.scope = `${QUEUE_ID}?api-version=1`),
      (o) => (o.spec.scope = `${QUEUE_ID}%2F..`),
      (o) => (o.spec.scope = QUEUE_ID.replace(SUBSCRIPTION, 'not-a-guid')),
      (o) => (o.spec.scope = `https://management.azure.com${QUEUE_ID}`),
    ],
    field: 'spec.scope',
    message: `scope must be the ARM id of a resource: ${ROLE_SCOPE.allows}`,
  },
  {
    rule: 'scope is at most 1024 characters',
    base,
    accepted: [(o) => (o.spec.scope = scopeOfLength(1024))],
    rejected: [(o) => (o.spec.scope = scopeOfLength(1025))],
    field: 'spec.scope',
    message: 'Too long: may not be more than 1024 bytes',
  },
  {
    rule: 'role is a role name or a role definition id',
    base,
    accepted: [
      (o) => (o.spec.role = 'Storage Blob Data Reader'),
      (o) => (o.spec.role = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'),
      (o) =>
        (o.spec.role = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0`),
      (o) =>
        (o.spec.role =
          '/providers/Microsoft.Authorization/roleDefinitions/4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'),
    ],
    rejected: [
      (o) => (o.spec.role = 'Reader; Owner'),
      (o) => (o.spec.role = '1 Reader'),
      (o) => (o.spec.role = '/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/abc'),
      (o) => (o.spec.role = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0/..'),
    ],
    field: 'spec.role',
    message: `role must be ${ROLE.allows}`,
  },
  {
    rule: 'role is not empty',
    base,
    accepted: [(o) => (o.spec.role = 'Reader')],
    rejected: [(o) => (o.spec.role = '')],
    field: 'spec.role',
    message: 'spec.role in body should be at least 1 chars long',
  },
  deletionPolicyRule(base),
];
