// Key Vault refuses a write that starts while another write to the same vault is in progress
// (409 ConflictError, "...changed from the point the operation began..."). Handlers are
// synchronous, so writes only overlap when latency or `holdMs` keeps one in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import type { Middleware, RequestContext } from '../pipeline.ts';
import type { FaultEngine } from './engine.ts';

/** The vault a write targets: vault PUT/PATCH/DELETE and accessPolicies/{kind}. */
function writtenVault(ctx: RequestContext): string | undefined {
  const { route, params } = ctx.match;
  if (route.plane !== 'arm' || route.kind === 'read') return undefined;
  if (!/^Microsoft\.KeyVault\/vaults\/(write|delete|accessPolicies\/write)$/i.test(route.operation))
    return undefined;
  return params.name?.toLowerCase();
}

export function conflictOnConcurrentVaultWrites(core: EmulatorCore, engine: FaultEngine): Middleware {
  return async (ctx, next) => {
    const settings = engine.settings.vaultWriteConflicts;
    const vault = settings?.enabled ? writtenVault(ctx) : undefined;
    if (!vault) return next();
    if (engine.vaultWritesInFlight.has(vault)) {
      core.telemetry.recordFault({ fault: 'conflict' });
      throw new ArmError(
        409,
        'ConflictError',
        `A conflict occurred that prevented the operation from completing. The operation failed because the Key Vault '${ctx.match.params.name}' changed from the point the operation began. This can happen if parallel operations are being performed on the Key Vault. To prevent this error, serialize the operations so that only one operation is performed on the Key Vault at a time. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147741`,
      );
    }
    engine.vaultWritesInFlight.add(vault);
    try {
      if (settings?.holdMs) await sleep(settings.holdMs);
      return await next();
    } finally {
      engine.vaultWritesInFlight.delete(vault);
    }
  };
}
