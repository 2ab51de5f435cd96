// Step: who acts in Azure for this namespace (its own credential, or the operator's identity
// where the cluster allows it). Before any read or write; an unusable credential stalls the
// object rather than act as someone else.
import type { Step } from '../context.ts';

export const resolveAzureActor: Step = async (run) => {
  run.actor = await run.shared.actors.actorFor(run.namespace, run.signal);
  return undefined;
};
