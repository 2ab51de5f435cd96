// `GET /_emulator/faults` shows the live fault configuration (with what is left of "next N"
// rules); `PUT /_emulator/faults` replaces it as a whole (`{}` turns every fault off).
import { json, jsonBody, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import { parseFaultConfig } from './config.ts';
import type { FaultEngine } from './engine.ts';

export function faultRoutes(engine: FaultEngine): Route[] {
  const base = { plane: 'admin' as const, kind: 'admin' as const, pattern: pathPattern('/_emulator/faults') };
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
  ];
}
