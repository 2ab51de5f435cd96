// The chaos project's own setup, after test/integration/global-setup.ts (the control plane):
// compiles the operator once into a throw-away folder (bench/compiled-operator.ts) and hands
// every suite that build. Two reasons: a hundred restarts of plain Node start far faster than
// a hundred tsx transpilations on two cores, and every restart runs the SAME code — a run from
// source would pick up whatever someone is editing in src/ at the moment of each restart.
import type { TestProject } from 'vitest/node';
import { compileOperator } from '../../bench/compiled-operator.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    chaosOperatorEntry: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const compiled = await compileOperator();
  process.stderr.write(`[chaos] operator compiled in ${Date.now() - started} ms: ${compiled.entry}\n`);
  project.provide('chaosOperatorEntry', compiled.entry);
  return () => compiled.remove();
}
