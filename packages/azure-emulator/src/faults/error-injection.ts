// Per-operation error injection: the first matching rule that fires answers with its ARM
// error (or drops the connection) before the handler runs, so nothing is applied. "next N"
// rules count down; "rate" rules draw from the seeded PRNG, so the same seed and request order
// fail the same calls; an outage window fails every matching call in its down part. A rule may
// add a Retry-After and answer in plain text instead of ARM's JSON envelope (entra-throttling.ts).
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import type { Middleware, RequestContext } from '../pipeline.ts';
import type { ErrorInjectionRule } from './config.ts';
import type { FaultEngine } from './engine.ts';
import { fires, inOutage, matchesOperation } from './firing.ts';

function matches(rule: ErrorInjectionRule, ctx: RequestContext): boolean {
  const { route } = ctx.match;
  if (route.plane === 'admin') return false;
  return matchesOperation(rule, route.operation);
}

function firesNow(rule: ErrorInjectionRule, engine: FaultEngine): boolean {
  if (rule.outage && !inOutage(rule.outage, engine.sinceAppliedMs())) return false;
  return fires(rule, engine.errorRandom);
}

export function injectErrors(core: EmulatorCore, engine: FaultEngine): Middleware {
  return async (ctx, next) => {
    const rule = engine.errorRules.find(
      (candidate) => matches(candidate, ctx) && firesNow(candidate, engine),
    );
    if (!rule) return next();
    if (rule.dropConnection) {
      core.telemetry.recordFault({ fault: 'dropped' });
      return { status: 0, dropConnection: true };
    }
    const code = rule.code ?? 'InternalServerError';
    core.telemetry.recordFault({ fault: 'injected', code });
    const status = rule.status ?? 500;
    const message =
      rule.message ?? `Injected by the emulator's fault configuration (${ctx.match.route.operation}).`;
    const headers: Record<string, string> =
      rule.retryAfterSeconds === undefined ? {} : { 'retry-after': String(rule.retryAfterSeconds) };
    if (rule.body === 'text') {
      return { status, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' }, body: message };
    }
    throw new ArmError(status, code, message, headers);
  };
}
