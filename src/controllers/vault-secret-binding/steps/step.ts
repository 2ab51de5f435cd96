// The one signature every step shares: read or change one thing, then either let the next
// step run (undefined) or conclude the pass with an outcome.
import type { BindingRun } from '../context.ts';
import type { BindingOutcome } from '../outcome.ts';

export type Step = (run: BindingRun) => Promise<BindingOutcome | undefined>;

/** Runs steps in order and stops at the first that concludes. */
export async function runSteps(run: BindingRun, steps: readonly Step[]): Promise<BindingOutcome> {
  for (const step of steps) {
    const outcome = await step(run);
    if (outcome) return outcome;
  }
  return { kind: 'ready' };
}
