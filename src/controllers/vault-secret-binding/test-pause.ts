// TEST-ONLY crash point (issue 9, "kill -9 right after an add"): with the environment variable
// LOGICOPS_TEST_PAUSE_AFTER=accessPolicyAdd, the process writes one line to stderr and to the
// file named by LOGICOPS_TEST_PAUSE_FILE (if set) right after an `accessPolicies/add` returned,
// and then never goes on — before any binding records Granted — so a test can SIGKILL it there.
//
// It cannot be switched on by accident: no flag, no config file, no default; only an explicit
// environment variable naming the exact point, and the operator logs a warning at start when it
// is set (src/operator.ts). Nothing else reads these variables.
import { appendFileSync } from 'node:fs';

export const TEST_PAUSE_ENV = 'LOGICOPS_TEST_PAUSE_AFTER';
export const TEST_PAUSE_FILE_ENV = 'LOGICOPS_TEST_PAUSE_FILE';
export const PAUSE_POINTS = ['accessPolicyAdd'] as const;
export type PausePoint = (typeof PAUSE_POINTS)[number];

export interface TestPause {
  point: PausePoint;
  /** Where the "paused" line is appended, for the test to poll. */
  file?: string;
}

/** The pause asked for in `env`, or undefined; an unknown point is an error, not silently ignored. */
export function testPauseFrom(env: NodeJS.ProcessEnv): TestPause | undefined {
  const point = env[TEST_PAUSE_ENV];
  if (point === undefined || point === '') return undefined;
  if (!(PAUSE_POINTS as readonly string[]).includes(point)) {
    throw new Error(`${TEST_PAUSE_ENV}='${point}' is not a pause point (${PAUSE_POINTS.join(', ')})`);
  }
  const file = env[TEST_PAUSE_FILE_ENV];
  return { point: point as PausePoint, ...(file ? { file } : {}) };
}

/** Announces the pause, then never resolves: the process stays exactly here until killed. */
export function pauseForever(pause: TestPause): Promise<void> {
  const line = `logicops test pause: paused after ${pause.point} (pid ${process.pid})\n`;
  process.stderr.write(line);
  if (pause.file) appendFileSync(pause.file, line);
  return new Promise<void>(() => undefined);
}
