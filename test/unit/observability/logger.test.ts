import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

describe('createLogger', () => {
  it('redacts secret-like fields at the top level and one level down', () => {
    const { lines, logger } = capture();
    logger.info(
      { token: 'abc', request: { authorization: 'Bearer xyz', path: '/x' }, key: 'ns/name' },
      'Called',
    );
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line.token).toBe('[redacted]');
    expect(line.request).toEqual({ authorization: '[redacted]', path: '/x' });
    // Queue keys are not secrets.
    expect(line.key).toBe('ns/name');
    expect(lines[0]).not.toContain('xyz');
  });
});
