// Step: the values of spec.parametersFrom, read from Secret keys in the workflow's namespace
// before anything is written, so a workflow is created with them once.
//   - a source the definition does not declare, declares with a type that is not secure, or that
//     spec.parameters also sets → InvalidSpec (no Secret is read, nothing written);
//   - a Secret or key that is missing, or a Secret without the consent label → waiting
//     (WaitingForSecret, looked at again every waitPollMs: it is often made by another pipeline
//     shortly after, and Secrets are not watched), the Azure workflow left as it is;
//   - a value a secureobject cannot take (not a JSON object), or over the size limits → Stalled
//     InvalidSpec, looked at again at resync: the Secret's writer must fix it, and no change to
//     the workflow would;
//   - the operator may not read the Secret → Stalled AuthorizationFailed, naming the chart value
//     that grants it (secret-rights.ts).
// A parameter a VaultSecretBinding injects takes the binding's secret URI (the binding wins, as
// it does over spec.parameters): its Secret is not read.
// The values live in this pass only (run.secretParameters); the write step compares them with
// the salted digest of what was last written (secure-values.ts).
import { Reason } from '../../../crds/index.ts';
import { StalledError, TerminalError } from '../../../runtime/index.ts';
import type { Step, WorkflowRun } from '../context.ts';
import { SecretReads } from '../parameter-secrets.ts';
import {
  declaredType,
  parameterSourceNames,
  parameterSourceProblem,
  secretParameterValue,
} from '../parameter-sources.ts';
import { secretRightsRemedy } from '../secret-rights.ts';

export const resolveParameterSources: Step = async (run) => {
  run.secretParameters = {};
  const names = parameterSourceNames(run.spec);
  if (names.length === 0) return undefined;
  const definition = run.definition ?? {};
  const problem = parameterSourceProblem(run.spec, definition);
  if (problem) throw new TerminalError(Reason.InvalidSpec, problem);

  const refs = names.flatMap((name) => run.spec.parametersFrom?.[name]?.secretKeyRef ?? []);
  const reads = new SecretReads(run.deps.kube, run.namespace, refs);
  const values: Record<string, unknown> = {};
  for (const parameter of names) {
    if (parameter in run.secretUris) continue;
    const ref = run.spec.parametersFrom?.[parameter]?.secretKeyRef;
    if (!ref) continue;
    const where = `Secret ${run.namespace}/${ref.name}`;
    const read = await reads.key(ref);
    switch (read.kind) {
      case 'forbidden':
        throw new StalledError(
          Reason.AuthorizationFailed,
          `The operator may not read ${where} (parameter '${parameter}', spec.parametersFrom): it has no get on Secrets in namespace ${run.namespace}; ${secretRightsRemedy(run.namespace)}`,
        );
      case 'unavailable':
        return {
          kind: 'waiting',
          reason: Reason.WaitingForSecret,
          message: `${where} ${read.what}: parameter '${parameter}' takes its value from its key '${ref.key}' (spec.parametersFrom). Looked at again every ${Math.round(run.waitPollMs / 1000)} s; ${azureUntilThen(run)}.`,
          afterMs: run.waitPollMs,
        };
      case 'text': {
        const value = secretParameterValue(parameter, declaredType(definition, parameter), read.text, {
          ...ref,
          namespace: run.namespace,
        });
        if (value.kind === 'unusable') {
          throw new StalledError(
            Reason.InvalidSpec,
            `${value.message} Looked at again at the next resync, or at once with a new logicops.io/reconcile-request annotation.`,
          );
        }
        values[parameter] = value.value;
      }
    }
  }
  run.secretParameters = values;
  return undefined;
};

function azureUntilThen(run: WorkflowRun): string {
  return run.observed
    ? 'the Azure workflow is left as it is until then'
    : 'the workflow is created in Azure once it can be read';
}
