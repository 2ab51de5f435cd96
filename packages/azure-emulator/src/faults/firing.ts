// When a rule fires, the same for every kind of injected fault: "next N" rules count down (and
// stay in the list at 0), "rate" rules draw from a seeded stream, both together take the next N
// that the draw selects; an outage window limits a rule to the down part of its cycle.
import type { Random } from './prng.ts';

export interface Firing {
  operation: string;
  rate?: number;
  next?: number;
}

/** `*` or the operation name, case-insensitively. */
export function matchesOperation(rule: Firing, operation: string): boolean {
  return rule.operation === '*' || rule.operation.toLowerCase() === operation.toLowerCase();
}

/** Decides whether the rule fires for this call, updating its countdown. A rule with neither fires every time. */
export function fires(rule: Firing, random: Random): boolean {
  if (rule.next !== undefined) {
    if (rule.next <= 0) return false;
    if (rule.rate !== undefined && random() >= rule.rate) return false;
    rule.next--;
    return true;
  }
  return rule.rate === undefined || random() < rule.rate;
}

/** True in the down part of the cycle (down first), `sinceMs` after the cycle started. */
export function inOutage(window: { downSeconds: number; upSeconds: number }, sinceMs: number): boolean {
  const cycleMs = (window.downSeconds + window.upSeconds) * 1000;
  return sinceMs >= 0 && sinceMs % cycleMs < window.downSeconds * 1000;
}
