// The operator's own logger (redaction included) at debug level, writing into memory: what a
// leak could reach, for tests that scan every log line the operator wrote.
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/observability/logger.ts';

export interface CapturedLog {
  /** Every line written so far, in order. */
  readonly lines: string[];
  readonly logger: Logger;
}

export function captureDebugLog(): CapturedLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: sink }) };
}
