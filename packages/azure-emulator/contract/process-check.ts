// The one contract check of a test process (one per test file: Vitest isolates files), shared
// by the setup file that installs it and the tests that expect a violation on purpose.
import { ContractCheck } from './contract-check.ts';

const KEY = Symbol.for('logicops.contract-check');

/** The process's contract check; created on first use. */
export function processContractCheck(): ContractCheck {
  const holder = globalThis as { [KEY]?: ContractCheck };
  holder[KEY] ??= new ContractCheck();
  return holder[KEY];
}
