// Latency per operation class, drawn from the configured distribution with the seeded PRNG.
// The delay happens before the handler, so it also widens the in-flight window that the
// concurrent-write fault (vault-write-conflicts.ts) looks at.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorCore } from '../core.ts';
import type { Middleware, RequestContext } from '../pipeline.ts';
import type { LatencyClass, LatencyDistribution } from './config.ts';
import type { FaultEngine } from './engine.ts';
import type { Random } from './prng.ts';

export function latencyClassOf(ctx: RequestContext): LatencyClass | undefined {
  const { plane, kind } = ctx.match.route;
  if (plane === 'keyvault') return 'dataPlane';
  if (kind === 'token') return 'token';
  if (plane !== 'arm') return undefined;
  if (kind === 'read') return 'read';
  if (kind === 'delete') return 'delete';
  return 'write'; // writes and actions (ARM counts actions against the write bucket)
}

export function sampleMs(distribution: LatencyDistribution, random: Random): number {
  switch (distribution.type) {
    case 'fixed':
      return distribution.ms;
    case 'uniform':
      return distribution.minMs + random() * (distribution.maxMs - distribution.minMs);
    case 'normal': {
      // Box-Muller; 1 - random() keeps the logarithm away from 0.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.max(0, distribution.meanMs + z * distribution.stdDevMs);
    }
    case 'exponential':
      return -Math.log(1 - random()) * distribution.meanMs;
  }
}

export function injectLatency(core: EmulatorCore, engine: FaultEngine): Middleware {
  return async (ctx, next) => {
    const latencyClass = latencyClassOf(ctx);
    const distribution = latencyClass ? engine.settings.latency?.[latencyClass] : undefined;
    if (!latencyClass || !distribution) return next();
    const ms = sampleMs(distribution, engine.latencyRandom);
    if (ms > 0) {
      core.telemetry.recordFault({ fault: 'delayed', latencyClass });
      await sleep(ms);
    }
    return next();
  };
}
