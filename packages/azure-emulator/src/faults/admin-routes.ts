// `GET /_emulator/faults` shows the live fault configuration (with what is left of "next N"
// rules); `PUT /_emulator/faults` replaces it as a whole (`{}` turns every fault off).
// `/_emulator/faults/held` lists the answers the `hold` after-commit fault keeps back (or waits
// for them: `?count=N&waitMs=M`), and `POST /_emulator/faults/held/{id}` releases one.
import { ArmError, armErrors } from '../errors.ts';
import { json, jsonBody, param, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import { parseFaultConfig } from './config.ts';
import type { FaultEngine } from './engine.ts';
import type { ReleaseAnswer } from './held-responses.ts';

/** Longest a `GET /_emulator/faults/held?waitMs=` may wait. */
const MAX_WAIT_MS = 300_000;

function wholeNumber(value: string | null, name: string, fallback: number): number {
  if (value === null) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw armErrors.badRequest('BadRequest', `'${name}' must be a non-negative whole number.`);
  }
  return parsed;
}

export function faultRoutes(engine: FaultEngine): Route[] {
  const base = { plane: 'admin' as const, kind: 'admin' as const, pattern: pathPattern('/_emulator/faults') };
  const held = { plane: 'admin' as const, kind: 'admin' as const };
  return [
    { ...base, method: 'GET', operation: 'Admin/faults-read', handler: () => json(200, engine.current) },
    {
      ...base,
      method: 'PUT',
      operation: 'Admin/faults-write',
      handler: (ctx) => {
        engine.apply(parseFaultConfig(jsonBody(ctx) ?? {}));
        return json(200, engine.current);
      },
    },
    {
      ...held,
      method: 'GET',
      pattern: pathPattern('/_emulator/faults/held'),
      operation: 'Admin/held-read',
      handler: async (ctx) => {
        const waitMs = Math.min(wholeNumber(ctx.query.get('waitMs'), 'waitMs', 0), MAX_WAIT_MS);
        const count = wholeNumber(ctx.query.get('count'), 'count', 1);
        const value = waitMs > 0 ? await engine.held.waitFor(count, waitMs) : engine.held.list();
        return json(200, { value });
      },
    },
    {
      ...held,
      method: 'POST',
      pattern: pathPattern('/_emulator/faults/held/{id}'),
      operation: 'Admin/held-release',
      handler: (ctx) => {
        const body = jsonBody(ctx) as { answer?: unknown } | undefined;
        const answer = body?.answer ?? 'send';
        if (answer !== 'send' && answer !== 'drop') {
          throw armErrors.badRequest('BadRequest', "'answer' must be 'send' or 'drop'.");
        }
        const id = param(ctx, 'id');
        if (!engine.held.release(id, answer as ReleaseAnswer)) {
          throw new ArmError(404, 'NotFound', `No answer with id '${id}' is held.`);
        }
        return { status: 204 };
      },
    },
  ];
}
