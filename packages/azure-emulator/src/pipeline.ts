// The request pipeline: every request is parsed once into a RequestContext, matched to a
// route (which classifies it: plane, operation name, kind), then passed through an ordered
// list of middleware before the route's handler. Part 2 (faults, throttling, latency)
// plugs in as more middleware; nothing in the handlers needs to change for it.
import type { IncomingHttpHeaders } from 'node:http';
import type { AfterCommitFault } from './faults/config.ts';
import type { TokenClaims } from './tokens.ts';

/** How a request counts: ARM's throttling buckets are per kind (reads/writes/deletes). */
export type OperationKind = 'read' | 'write' | 'delete' | 'action' | 'token' | 'admin';
/**
 * `unmatched`: no route (answered 404/405, still logged and counted). `logic-runtime`: calls of
 * workflow callback URLs (arm/workflow-callbacks.ts), signed by the URL, not by a bearer token.
 */
export type Plane =
  | 'arm'
  | 'entra'
  | 'managed-identity'
  | 'keyvault'
  | 'servicebus'
  | 'admin'
  | 'logic-runtime'
  | 'unmatched';

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as text; undefined as an empty body. */
  body?: unknown;
  /** Destroy the connection instead of answering (fault injection); `status` is then 0. */
  dropConnection?: boolean;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export interface RequestContext {
  requestId: string;
  correlationId: string;
  method: string;
  /** The path as sent, before normalisation. */
  rawPath: string;
  /** Single slashes, percent-decoded, no trailing slash (except `/`). */
  path: string;
  /** Keys are decoded too: Key Vault clients send `api%2Dversion`. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** `https://host:port` as the caller addressed us; links we hand out point back here. */
  baseUrl: string;
  match: RouteMatch;
  /** Set by the authentication middleware on ARM requests. */
  caller?: TokenClaims;
  /** Set by the metering middleware on ARM requests: the subscription bucket this request drew from. */
  rateLimit?: {
    bucket: 'reads' | 'writes' | 'deletes';
    allowed: boolean;
    remaining: number;
    retryAfterSeconds: number;
  };
  /** Wall-clock time (the emulator's clock) the request arrived. */
  receivedAt: number;
  /** Monotonic start time (performance.now()), for durations even under a fake clock. */
  startedAt: number;
  /** Aborted when the client closes the connection before it was answered (gave up, or died). */
  clientGone: AbortSignal;
  /** Set when an after-commit fault took this write's answer (logged with the request). */
  afterCommitFault?: AfterCommitFault;
}

export type Handler = (ctx: RequestContext) => EmulatorResponse | Promise<EmulatorResponse>;
export type Middleware = (
  ctx: RequestContext,
  next: () => Promise<EmulatorResponse>,
) => Promise<EmulatorResponse>;

export interface Route {
  method: string;
  /** Anchored, case-insensitive; named groups become `params`. */
  pattern: RegExp;
  plane: Plane;
  /** Azure-style operation name, e.g. `Microsoft.Logic/workflows/write`. */
  operation: string;
  kind: OperationKind;
  /** ARM routes: the resource type used in api-version errors, and the versions accepted. */
  resourceType?: string;
  apiVersions?: readonly string[];
  /** ARM answers for a missing resource group before the RP sees the request. */
  requiresResourceGroup?: boolean;
  handler: Handler;
}

export function runPipeline(
  ctx: RequestContext,
  middleware: readonly Middleware[],
): Promise<EmulatorResponse> {
  const dispatch = (index: number): Promise<EmulatorResponse> => {
    const current = middleware[index];
    if (!current) return Promise.resolve(ctx.match.route.handler(ctx));
    return current(ctx, () => dispatch(index + 1));
  };
  return dispatch(0);
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, body, headers };
}

/** Parses the body as JSON; an empty body is `undefined`. Throws SyntaxError on bad JSON. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.rawBody.toString('utf8').trim();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

export function param(ctx: RequestContext, name: string): string {
  const value = ctx.match.params[name];
  if (value === undefined) throw new Error(`Route ${ctx.match.route.operation} has no parameter '${name}'`);
  return value;
}
