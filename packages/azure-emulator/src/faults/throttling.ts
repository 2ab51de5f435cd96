// ARM throttling: when the subscription's bucket for this kind of request is empty (the
// metering middleware already took or failed to take a token), answer 429 with Retry-After
// in whole seconds, rounded up, as ARM does. The remaining-* header (0) is added by the
// response-header middleware, so it stays truthful on the 429 too.
import { meteredSubscriptionOf } from '../arm/gateway.ts';
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import type { Middleware } from '../pipeline.ts';
import type { FaultEngine } from './engine.ts';

const OPERATION_TYPE = { reads: 'read', writes: 'write', deletes: 'delete' } as const;

export function throttleArmRequests(core: EmulatorCore, engine: FaultEngine): Middleware {
  return async (ctx, next) => {
    const limit = ctx.rateLimit;
    if (!engine.settings.throttling?.enabled || !limit || limit.allowed) return next();
    core.telemetry.recordFault({ fault: 'throttled', bucket: limit.bucket });
    const subscriptionId = meteredSubscriptionOf(core, ctx);
    throw new ArmError(
      429,
      'TooManyRequests',
      `Number of '${OPERATION_TYPE[limit.bucket]}' requests for subscription '${subscriptionId}' actor '${ctx.caller?.oid ?? 'unknown'}' exceeded. Please try again after '${limit.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
      { 'retry-after': String(limit.retryAfterSeconds) },
    );
  };
}
