// Admission rules of LogicAppWorkflow spec.connections (issue 24), with accepted and rejected
// variants: the $connections key as a workflow parameter name may be written
// (azure-formats.ts WORKFLOW_PARAMETER_NAME), the connection as a Kubernetes object name.
import { WORKFLOW_PARAMETER_NAME } from '../../../../src/crds/azure-formats.ts';
import type { AnyObject } from '../support/admission.ts';
import { workflow } from '../support/fixtures.ts';
import type { RuleCase } from './rule-case.ts';

const base = () => {
  const o = workflow('connections');
  o.spec.connections = [{ name: 'servicebus', connectionRef: { name: 'orders-bus' } }];
  return o;
};
const entry = (o: AnyObject, name: string, connection = 'orders-bus') => {
  o.spec.connections = [{ name, connectionRef: { name: connection } }];
};

export const workflowConnectionsRules: RuleCase[] = [
  {
    rule: 'connections[].name is a $connections key',
    base,
    accepted: [(o) => entry(o, 'servicebus_1'), (o) => entry(o, 'keyvault-orders.v2')],
    rejected: [(o) => entry(o, '$connections'), (o) => entry(o, 'service bus'), (o) => entry(o, '1bus')],
    field: 'spec.connections[0].name',
    message: `connections[].name must be a $connections key: ${WORKFLOW_PARAMETER_NAME.allows}`,
  },
  {
    rule: 'connections[].connectionRef.name is a LogicAppConnection name',
    base,
    accepted: [(o) => entry(o, 'servicebus', 'orders.bus-2')],
    rejected: [(o) => entry(o, 'servicebus', 'Orders_Bus'), (o) => entry(o, 'servicebus', '../team-b')],
    field: 'spec.connections[0].connectionRef.name',
    message:
      'connections[].connectionRef.name must be a LogicAppConnection name: lower-case letters, digits, - and .',
  },
];
