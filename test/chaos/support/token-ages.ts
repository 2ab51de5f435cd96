// How old the access tokens were that reached ARM, and whether there were moments with no valid
// token at all: the figures that tell whether a short token lifetime really made the operator's
// tokens run out, or whether the SDK's refresh-ahead replaced each one long before (it does, with
// 60 s tokens and a working token endpoint: packages/azure-emulator/README.md, "Token lifetime and refresh").
import type { Emulator, RequestLogEntry } from '@logicops/azure-emulator';

export interface TokenAges {
  /** ARM tokens the token endpoint issued. */
  issued: number;
  /** ARM requests that passed authentication, and the oldest token among them (s since `iat`). */
  armRequests: number;
  maxAgeSeconds: number;
  /** ARM requests whose token had less than `lateSeconds` left. */
  lateRequests: number;
  /** Stretches after the first token in which no issued token was valid, and their total length. */
  gaps: number;
  gapSeconds: number;
  /** ARM requests refused because their token had expired on the way (401 ExpiredAuthenticationToken). */
  expiredRefused: number;
}

export interface TokenAgeRecorder {
  figures(): TokenAges;
  /** When the longest-lived token issued so far expires (Unix seconds; 0 before the first). */
  lastExpirySeconds(): number;
  stop(): void;
}

/** Records from now on; `lateSeconds`: how little life left counts as late (default 10 s). */
export function recordTokenAges(emulator: Emulator, lateSeconds = 10): TokenAgeRecorder {
  const lifetimes: { iat: number; exp: number }[] = [];
  let armRequests = 0;
  let maxAgeSeconds = 0;
  let lateRequests = 0;
  emulator.use(async (ctx, next) => {
    const nowSeconds = ctx.receivedAt / 1000;
    const caller = ctx.caller;
    if (ctx.match.route.plane === 'arm' && caller) {
      armRequests++;
      maxAgeSeconds = Math.max(maxAgeSeconds, nowSeconds - caller.iat);
      if (caller.exp - nowSeconds < lateSeconds) lateRequests++;
    }
    const response = await next();
    const issued = ctx.caller;
    if (ctx.match.route.operation === 'Entra/token' && response.status === 200 && issued) {
      lifetimes.push({ iat: issued.iat, exp: issued.exp });
    }
    return response;
  });
  // The log keeps its last 2,000 entries: read it as it grows.
  let seen = 0;
  let expiredRefused = 0;
  const collect = () => {
    for (const entry of emulator.requests(seen) as RequestLogEntry[]) {
      seen = entry.seq;
      if (entry.errorCode === 'ExpiredAuthenticationToken') expiredRefused++;
    }
  };
  const timer = setInterval(collect, 250);
  return {
    figures() {
      collect();
      const sorted = [...lifetimes].sort((a, b) => a.iat - b.iat);
      let gaps = 0;
      let gapSeconds = 0;
      let validUntil = sorted[0]?.exp ?? 0;
      for (const token of sorted.slice(1)) {
        if (token.iat > validUntil) {
          gaps++;
          gapSeconds += token.iat - validUntil;
        }
        validUntil = Math.max(validUntil, token.exp);
      }
      return {
        issued: lifetimes.length,
        armRequests,
        maxAgeSeconds: Math.round(maxAgeSeconds * 10) / 10,
        lateRequests,
        gaps,
        gapSeconds,
        expiredRefused,
      };
    },
    lastExpirySeconds: () => Math.max(0, ...lifetimes.map((t) => t.exp)),
    stop: () => clearInterval(timer),
  };
}
