// Opt-in observers of what crosses the wire: each request body a client sent and each answer the
// emulator gave, per route. The contract check of the emulator and integration tiers
// (packages/azure-emulator/contract/) is one: it validates both against the Azure REST specs. Observers see bodies,
// which may carry secrets, so whatever they keep must not be the body itself.
import type { EmulatorResponse, Middleware, Plane, RequestContext } from './pipeline.ts';

export interface Exchange {
  plane: Plane;
  method: string;
  /** Normalised path (single slashes, decoded, no trailing slash). */
  path: string;
  query: URLSearchParams;
  /** The emulator's Azure operation name for the route, e.g. `Microsoft.Logic/workflows/write`. */
  routeOperation: string;
  requestBody: Buffer;
  requestContentType?: string;
  /** Whether the request carried an Authorization header (never its value). */
  authorized: boolean;
  /** 0 when the connection was dropped on purpose (no answer was sent). */
  status: number;
  /** The body as the emulator sends it: an object (sent as JSON), a string, or undefined (empty). */
  responseBody: unknown;
}

export type ExchangeObserver = (exchange: Exchange) => void;

const everyEmulator = new Set<ExchangeObserver>();

/**
 * Tests only: `observer` sees the exchanges of every emulator this process starts from now on
 * (and of those already running), until the returned function is called.
 */
export function observeEveryEmulator(observer: ExchangeObserver): () => void {
  everyEmulator.add(observer);
  return () => everyEmulator.delete(observer);
}

/**
 * Calls the observers after the inner layers answered (so the status and the final body are
 * known). An observer that throws is a bug in the observer: it is reported on stderr and the
 * answer still goes out.
 */
export function observeExchanges(own: readonly ExchangeObserver[]): Middleware {
  return async (ctx, next) => {
    const response = await next();
    const observers = [...own, ...everyEmulator];
    if (observers.length === 0) return response;
    const exchange = toExchange(ctx, response);
    for (const observer of observers) {
      try {
        observer(exchange);
      } catch (error) {
        process.stderr.write(`[emulator] exchange observer failed: ${String(error)}\n`);
      }
    }
    return response;
  };
}

function toExchange(ctx: RequestContext, response: EmulatorResponse): Exchange {
  const contentType = ctx.headers['content-type'];
  return {
    plane: ctx.match.route.plane,
    method: ctx.method,
    path: ctx.path,
    query: ctx.query,
    routeOperation: ctx.match.route.operation,
    requestBody: ctx.rawBody,
    authorized: ctx.headers.authorization !== undefined,
    ...(contentType ? { requestContentType: Array.isArray(contentType) ? contentType[0] : contentType } : {}),
    status: response.dropConnection ? 0 : response.status,
    responseBody: response.dropConnection ? undefined : response.body,
  };
}
