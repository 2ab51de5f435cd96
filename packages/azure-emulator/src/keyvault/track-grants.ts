// After every ARM write to a vault (PUT, PATCH, DELETE, accessPolicies/{kind}) the grant clock
// notes which secret permissions appeared, so the propagation delay can start from then.

import { findVaultByName } from '../arm/vaults.ts';
import type { EmulatorCore } from '../core.ts';
import type { Middleware } from '../pipeline.ts';
import type { GrantClock } from './grant-clock.ts';

export function trackVaultGrants(core: EmulatorCore, grants: GrantClock): Middleware {
  return async (ctx, next) => {
    const response = await next();
    const { route, params } = ctx.match;
    if (route.plane !== 'arm' || route.kind === 'read' || !params.name) return response;
    if (!/^Microsoft\.KeyVault\/vaults\/(write|delete|accessPolicies\/write)$/i.test(route.operation))
      return response;
    grants.observe(params.name, findVaultByName(core, params.name)?.accessPolicies ?? [], core.now());
    return response;
  };
}
