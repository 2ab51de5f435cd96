// Step: every parameter the definition declares without a default has a value — from
// spec.parameters, a Secret (spec.parametersFrom) or a binding's secret URI — before anything is written. One that has none is
// waited for (Reconciling WaitingForBindings), never sent to Azure to be refused: a workflow
// applied before the binding that fills its parameter is written once, when the binding appears
// (its watch wakes the workflow), with the URI computed from the vault, which needs no principal.
// Decided against writing a placeholder first: that is two writes, and a workflow that runs (a
// schedule fires) with a value that cannot work until the second.
import { Reason } from '../../../crds/index.ts';
import { CONNECTIONS_PARAMETER } from '../connections-parameter.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { parametersWithoutValue } from '../parameter-values.ts';

export const awaitParameterValues: Step = async (run) => {
  const values = {
    ...(run.spec.parameters ?? {}),
    ...run.secretParameters,
    ...run.secretUris,
    ...(run.connectionsParameter ? { [CONNECTIONS_PARAMETER]: run.connectionsParameter } : {}),
  };
  const missing = parametersWithoutValue(run.definition ?? {}, values);
  if (missing.length === 0) return undefined;
  // No delay: a binding naming the parameter enqueues the workflow (controller.ts watches).
  return { kind: 'waiting', reason: Reason.WaitingForBindings, message: waitingMessage(run, missing) };
};

function waitingMessage(run: WorkflowRun, missing: string[]): string {
  const names = missing.map((name) => `'${name}'`).join(', ');
  const one = missing.length === 1;
  const azure = run.observed
    ? 'the Azure workflow is left as it is until then'
    : 'the workflow is created in Azure once every parameter has one';
  return (
    `Parameter${one ? '' : 's'} ${names} ${one ? 'has' : 'have'} no value: the definition declares ${one ? 'it' : 'them'} ` +
    `without a defaultValue, and Azure refuses such a workflow. Waiting for a VaultSecretBinding with ` +
    `spec.parameterName ${names} (or set spec.parameters, or a defaultValue); ${azure}.`
  );
}
