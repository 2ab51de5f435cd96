// The one signature every step of every kind shares: read or change one thing, then either
// let the next step run (undefined) or conclude the pass with an outcome.
import type { Outcome } from './outcome.ts';

export type Step<Run> = (run: Run) => Promise<Outcome | undefined>;

/** Runs steps in order; the first that concludes decides, and undefined means all of them passed. */
export async function runSteps<Run>(run: Run, steps: readonly Step<Run>[]): Promise<Outcome | undefined> {
  for (const step of steps) {
    const outcome = await step(run);
    if (outcome) return outcome;
  }
  return undefined;
}
