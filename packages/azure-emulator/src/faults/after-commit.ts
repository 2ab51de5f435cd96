// Faults after the write: the handler has applied it (the state changed, and is persisted, as
// Azure would have committed it), then its answer is lost — held past the client's patience,
// the connection dropped, a 5xx instead of the success, or held until a test releases it.
// Only writes that succeeded count: a refused write changed nothing, so it has nothing to lose.
//
// Sits outside the vault-write conflict stage, so a vault write whose answer is held no longer
// counts as in flight (Azure finished it; only the answer is late).
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorCore } from '../core.ts';
import { ArmError } from '../errors.ts';
import type { EmulatorResponse, Middleware, RequestContext } from '../pipeline.ts';
import type { AfterCommitRule } from './config.ts';
import type { FaultEngine } from './engine.ts';
import { fires, matchesOperation } from './firing.ts';

const WRITE_KINDS = new Set(['write', 'delete', 'action']);

function isWrite(ctx: RequestContext): boolean {
  const { route } = ctx.match;
  return (route.plane === 'arm' || route.plane === 'keyvault') && WRITE_KINDS.has(route.kind);
}

/** Resolves after `ms` (or never, when undefined) or as soon as the client goes away. */
function waitOrClientGone(ctx: RequestContext, ms: number | undefined): Promise<void> {
  if (ctx.clientGone.aborted) return Promise.resolve();
  const gone = new Promise<void>((resolve) =>
    ctx.clientGone.addEventListener('abort', () => resolve(), { once: true }),
  );
  if (ms === undefined) return gone;
  const abort = new AbortController();
  return Promise.race([gone, sleep(ms, undefined, { signal: abort.signal }).catch(() => undefined)]).finally(
    () => abort.abort(),
  );
}

async function loseAnswer(
  rule: AfterCommitRule,
  ctx: RequestContext,
  response: EmulatorResponse,
  engine: FaultEngine,
): Promise<EmulatorResponse> {
  switch (rule.fault) {
    case 'dropConnection':
      return { status: 0, dropConnection: true };
    case 'serverError':
      throw new ArmError(
        rule.status ?? 500,
        rule.code ?? 'InternalServerError',
        rule.message ??
          `Injected by the emulator's fault configuration after the write was applied (${ctx.match.route.operation}).`,
      );
    case 'timeout':
      await waitOrClientGone(ctx, rule.holdMs);
      // Sent late to a client that still listens; nobody is left to answer otherwise.
      return ctx.clientGone.aborted ? { status: 0, dropConnection: true } : response;
    case 'hold':
      return engine.held.hold(ctx, response);
  }
}

export function afterCommitFaults(core: EmulatorCore, engine: FaultEngine, persist: () => void): Middleware {
  return async (ctx, next) => {
    if (!isWrite(ctx)) return next();
    const response = await next();
    if (response.status >= 400 || response.dropConnection) return response;
    const rule = engine.afterCommitRules.find(
      (candidate) =>
        matchesOperation(candidate, ctx.match.route.operation) && fires(candidate, engine.afterCommitRandom),
    );
    if (!rule) return response;
    // The change must be durable before its answer can be lost (a --state file is written now).
    persist();
    ctx.afterCommitFault = rule.fault;
    core.telemetry.recordFault({ fault: 'afterCommit', afterCommit: rule.fault });
    return loseAnswer(rule, ctx, response, engine);
  };
}
