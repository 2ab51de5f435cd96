// Step: the `$connections` parameter from spec.connections (connections-parameter.ts). A
// connection not Ready yet is waited for — the LogicAppConnection watch wakes the workflow —
// and nothing is written meanwhile: a workflow deployed with a connection id that does not
// exist yet fails its first runs with nothing in status to say why.
// Then whatever `$connections` will be written — logicops's own, or one typed by hand into
// spec.parameters — is held to the namespace policy: every connection in an allowed resource
// group, and no identity but the workflow's own (connectionReach explains why).
import { Reason } from '../../../crds/index.ts';
import { objectKey, StalledError } from '../../../runtime/index.ts';
import {
  CONNECTIONS_PARAMETER,
  connectionReach,
  resolveConnectionsParameter,
} from '../connections-parameter.ts';
import type { Step, WorkflowRun } from '../context.ts';

export const resolveConnections: Step = async (run) => {
  const resolution = resolveConnectionsParameter({
    spec: run.spec,
    definition: run.definition ?? {},
    connectionNamed: (name) => run.deps.connections.get(objectKey({ namespace: run.namespace, name })),
  });
  switch (resolution.kind) {
    case 'invalid':
      return { kind: 'invalid', message: resolution.message };
    case 'waiting':
      return { kind: 'waiting', reason: Reason.WaitingForConnections, message: resolution.message };
    case 'resolved':
      run.connectionsParameter = resolution.value;
      return checkReach(run, resolution.value);
    case 'none': {
      const typed = run.spec.parameters?.[CONNECTIONS_PARAMETER];
      return typed === undefined ? undefined : checkReach(run, typed);
    }
  }
};

async function checkReach(run: WorkflowRun, value: unknown): ReturnType<Step> {
  const reach = connectionReach(value);
  if (reach.kind === 'invalid') return { kind: 'invalid', message: reach.message };
  const annotations = run.deps.namespaces.get(run.namespace)?.metadata?.annotations;
  for (const { id } of reach.resourceGroups) {
    const verdict = run.deps.settings.namespacePolicy.check(annotations, 'resource group', id);
    if (!verdict.allowed)
      throw new StalledError(Reason.NamespacePolicyDenied, `$connections: ${verdict.message}`);
  }
  const own =
    run.spec.identity?.type === 'UserAssigned' ? run.spec.identity.userAssignedIdentityId : undefined;
  for (const { entry, id } of reach.identities) {
    if (own?.toLowerCase() !== id.toLowerCase()) {
      return {
        kind: 'invalid',
        message: `$connections '${entry}' authenticates as identity ${id}, which is not this workflow's: a connection may only use the workflow's own identity (spec.identity).`,
      };
    }
  }
  return undefined;
}
