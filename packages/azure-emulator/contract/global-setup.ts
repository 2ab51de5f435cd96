// Global setup of the emulator and integration tiers for the contract check: a folder where
// each test file's tally lands, and at the end of the run the number of bodies validated per
// operation. A violation has already failed its test; one that came after a file's last test
// fails the run here.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { describeViolations, renderTally, sumTallies, type TallyFile } from './report.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    contractTallyDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logicops-contract-'));
  project.provide('contractTallyDir', dir);
  return () => {
    const files = readdirSync(dir).map(
      (name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as TallyFile,
    );
    rmSync(dir, { recursive: true, force: true });
    process.stdout.write(renderTally(project.name, sumTallies(files)));
    const late = files.flatMap((file) => file.violations);
    if (late.length > 0) {
      throw new Error(
        `The Azure contract check found violations after the last test of a file:\n${describeViolations(late)}`,
      );
    }
  };
}
