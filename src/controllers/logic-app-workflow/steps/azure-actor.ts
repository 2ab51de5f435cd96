// Step: who acts in Azure for this namespace (issue 23) — its own credential, or the operator's
// identity where the cluster allows it. Before the first Azure call of a pass, apply and cleanup
// alike: a namespace whose credential is unusable stalls (CredentialUnavailable) rather than act
// as someone else, and its deletion waits until the credential works.
import type { Step } from '../context.ts';

export const resolveAzureActor: Step = async (run) => {
  run.actor = await run.deps.actors.actorFor(run.namespace, run.signal);
  return undefined;
};
