// Step: who acts in Azure for this namespace (its own credential, or the operator's identity
// where the cluster allows it). First, since every later step may read or write (a revoke
// included); an unusable credential stalls the object rather than act as someone else.
import type { Step } from './step.ts';

export const resolveAzureActor: Step = async (run) => {
  run.actor = await run.shared.actors.actorFor(run.object.metadata.namespace ?? '', run.signal);
  return undefined;
};
