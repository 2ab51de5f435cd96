// For a test that sends a body the REST spec does not allow on purpose (or makes the emulator
// answer one): takes the violations it expects from the process's contract check, so the
// setup file's check after the test does not fail it, and fails when none was recorded.
import type { Violation } from './contract-check.ts';
import { processContractCheck } from './process-check.ts';

export function expectContractViolations(matches: (violation: Violation) => boolean): Violation[] {
  const taken = processContractCheck().take(matches, { expected: true });
  if (taken.length === 0) {
    throw new Error('Expected the contract check to record a violation, but it recorded none that matches');
  }
  return taken;
}
