// Vitest setup file of the emulator and integration tiers: every emulator the test process
// starts is observed by the contract check, a test during which a body broke the contract
// fails, and the file's tally is written for the global setup's report.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, expect, inject } from 'vitest';
import { observeEveryEmulator } from '../src/exchange-observer.ts';
import { processContractCheck } from './process-check.ts';
import { describeViolations, type TallyFile } from './report.ts';

const check = processContractCheck();
const stopObserving = observeEveryEmulator(check.observer);

function failOnViolations(when: string): void {
  const violations = check.take();
  if (violations.length === 0) return;
  throw new Error(
    `The Azure contract check found ${violations.length} bod${violations.length === 1 ? 'y' : 'ies'} the REST spec does not allow (${when}); fix the emulator or the operator's gateway, or expect it with expectContractViolations() (packages/azure-emulator/contract/expect-violations.ts):\n${describeViolations(violations)}`,
  );
}

afterEach(() => failOnViolations('during this test'));

afterAll(() => {
  stopObserving();
  const leftover = check.violations().slice();
  const dir = inject('contractTallyDir');
  if (dir) {
    const record: TallyFile = {
      file: expect.getState().testPath ?? 'unknown',
      tally: check.tally(),
      violations: leftover,
    };
    writeFileSync(path.join(dir, `${randomUUID()}.json`), JSON.stringify(record));
  }
  failOnViolations('after the last test of this file');
});
