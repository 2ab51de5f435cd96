// Step: the `$connections` parameter from spec.connections (connections-parameter.ts). A
// connection not Ready yet is waited for — the LogicAppConnection watch wakes the workflow —
// and nothing is written meanwhile: a workflow deployed with a connection id that does not
// exist yet fails its first runs with nothing in status to say why.

import { Reason } from '../../../crds/index.ts';
import { objectKey } from '../../../runtime/index.ts';
import { resolveConnectionsParameter } from '../connections-parameter.ts';
import type { Step } from '../context.ts';

export const resolveConnections: Step = async (run) => {
  const resolution = resolveConnectionsParameter({
    spec: run.spec,
    definition: run.definition ?? {},
    connectionNamed: (name) => run.deps.connections.get(objectKey({ namespace: run.namespace, name })),
  });
  switch (resolution.kind) {
    case 'none':
      return undefined;
    case 'invalid':
      return { kind: 'invalid', message: resolution.message };
    case 'waiting':
      return { kind: 'waiting', reason: Reason.WaitingForConnections, message: resolution.message };
    case 'resolved':
      run.connectionsParameter = resolution.value;
      return undefined;
  }
};
