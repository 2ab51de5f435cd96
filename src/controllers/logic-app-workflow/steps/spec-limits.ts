// Step: a workflow whose definition or parameters the cache held back (over a size or nesting
// limit, spec-limits.ts) is an invalid spec: terminal, no Azure call, until the spec changes.
// Deletion does not come here: cleanup needs neither the definition nor the parameters.
import { Reason } from '../../../crds/index.ts';
import { TerminalError } from '../../../runtime/index.ts';
import type { Step } from '../context.ts';
import { heldBackOf } from '../spec-limits.ts';

export const checkSpecLimits: Step = async (run) => {
  const heldBack = heldBackOf(run.object);
  if (heldBack) throw new TerminalError(Reason.InvalidSpec, heldBack.message);
  return undefined;
};
