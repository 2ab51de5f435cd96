// What the admin API reports: a bounded request log and counters by kind and by operation.
// Bodies are never recorded: token requests carry client secrets and assertions, and
// responses can carry tokens.
import type { AfterCommitFault, LatencyClass } from './faults/config.ts';
import type { EmulatorResponse, Middleware, OperationKind, RequestContext } from './pipeline.ts';
import type { ThrottledKind } from './rate-limits.ts';

export interface RequestLogEntry {
  seq: number;
  at: string;
  requestId: string;
  clientRequestId?: string;
  method: string;
  /** Normalised path (single slashes, decoded). */
  path: string;
  /** The path exactly as the client sent it (e.g. `//subscriptions/...` from a role-assignment scope). */
  rawPath: string;
  plane: string;
  operation: string;
  kind: OperationKind;
  status: number;
  errorCode?: string;
  durationMs: number;
  /** Object id of the caller (from its token), when known: every ARM request that passed authentication, allowed or refused. */
  callerObjectId?: string;
  /** The caller's tenant (the token's `tid`), with callerObjectId. */
  callerTenantId?: string;
  /** The User-Agent header; logicops puts its instance there (`logicops/<version> (<instance>) …`). */
  userAgent?: string;
  /** The write was applied and then this fault took its answer (`status` is what was sent; 0: nothing). */
  afterCommit?: AfterCommitFault;
}

export interface Counters {
  /** Every Azure-plane request (ARM, Entra ID, managed identity); admin calls are not counted. */
  total: number;
  /** ARM only: reads, writes, deletes and actions (ARM's throttling categories). */
  reads: number;
  writes: number;
  deletes: number;
  actions: number;
  /** Tokens asked for (Entra ID token endpoint and managed identity). */
  tokens: number;
  /** Responses with status >= 400, on any plane. */
  errors: number;
  byPlane: Record<string, number>;
  byOperation: Record<string, { count: number; errors: number }>;
  byStatus: Record<string, number>;
  /** ARM requests per subscription bucket (actions draw from `writes`), and how many were answered 429. */
  byBucket: Record<ThrottledKind, { requests: number; throttled: number }>;
  /** Every fault that fired (faults are off unless configured). */
  faults: FaultCounters;
}

export interface FaultCounters {
  total: number;
  /** 429s per bucket. */
  throttled: Record<ThrottledKind, number>;
  /** Requests that were delayed, per latency class. */
  delayed: Record<LatencyClass, number>;
  /** Refusals caused by replication lag of a new principal. */
  replicationLag: { principalNotFound: number; tokenRefused: number };
  /** 409 ConflictError answers to concurrent vault writes. */
  conflicts: number;
  /** Injected error answers, by error code. */
  injected: Record<string, number>;
  /** Connections destroyed instead of answered. */
  dropped: number;
  /** Writes applied whose answer was then lost, by fault. */
  afterCommit: Record<AfterCommitFault, number>;
  /** Vault reads answered from the stale copy, and removals that skipped a permission it lacked. */
  vaultReadLag: { staleReads: number; removalsSkipped: number };
}

export type FaultEvent =
  | { fault: 'throttled'; bucket: ThrottledKind }
  | { fault: 'delayed'; latencyClass: LatencyClass }
  | { fault: 'replicationLag'; refused: 'principalNotFound' | 'tokenRefused' }
  | { fault: 'conflict' }
  | { fault: 'injected'; code: string }
  | { fault: 'dropped' }
  | { fault: 'afterCommit'; afterCommit: AfterCommitFault }
  | { fault: 'vaultReadLag'; lagged: 'staleReads' | 'removalsSkipped' };

const KIND_COUNTER: Record<OperationKind, keyof Counters | undefined> = {
  read: 'reads',
  write: 'writes',
  delete: 'deletes',
  action: 'actions',
  token: 'tokens',
  admin: undefined,
};

export class Telemetry {
  private log: RequestLogEntry[] = [];
  private seq = 0;
  counters: Counters = emptyCounters();

  constructor(private readonly maxLogEntries = 2000) {}

  record(ctx: RequestContext, response: EmulatorResponse): void {
    const { route } = ctx.match;
    // Admin calls are logged (useful when debugging a test) but do not move the Azure counters.
    if (route.plane !== 'admin') {
      const c = this.counters;
      c.total++;
      c.byPlane[route.plane] = (c.byPlane[route.plane] ?? 0) + 1;
      const kindKey = KIND_COUNTER[route.kind];
      // Discovery documents (OpenID configuration, keys) are reads of Entra ID, not ARM reads.
      if (kindKey && (route.plane === 'arm' || route.kind === 'token')) (c[kindKey] as number)++;
      const op = c.byOperation[route.operation] ?? { count: 0, errors: 0 };
      op.count++;
      // Status 0: the connection was dropped on purpose, which the caller sees as a failure.
      if (response.status >= 400 || response.status === 0) {
        c.errors++;
        op.errors++;
      }
      c.byOperation[route.operation] = op;
      c.byStatus[String(response.status)] = (c.byStatus[String(response.status)] ?? 0) + 1;
      if (ctx.rateLimit) {
        const bucket = c.byBucket[ctx.rateLimit.bucket];
        bucket.requests++;
        if (response.status === 429) bucket.throttled++;
      }
    }
    const clientRequestId = header(ctx, 'x-ms-client-request-id');
    this.log.push({
      seq: ++this.seq,
      at: new Date(ctx.receivedAt).toISOString(),
      requestId: ctx.requestId,
      ...(clientRequestId ? { clientRequestId } : {}),
      method: ctx.method,
      path: ctx.path,
      rawPath: ctx.rawPath,
      plane: route.plane,
      operation: route.operation,
      kind: route.kind,
      status: response.status,
      ...(errorCode(response) ? { errorCode: errorCode(response) } : {}),
      durationMs: Math.round(performance.now() - ctx.startedAt),
      ...(ctx.caller ? { callerObjectId: ctx.caller.oid, callerTenantId: ctx.caller.tid } : {}),
      ...(header(ctx, 'user-agent') ? { userAgent: header(ctx, 'user-agent') } : {}),
      ...(ctx.afterCommitFault ? { afterCommit: ctx.afterCommitFault } : {}),
    });
    if (this.log.length > this.maxLogEntries) this.log.splice(0, this.log.length - this.maxLogEntries);
  }

  recordFault(event: FaultEvent): void {
    const f = this.counters.faults;
    f.total++;
    switch (event.fault) {
      case 'throttled':
        f.throttled[event.bucket]++;
        break;
      case 'delayed':
        f.delayed[event.latencyClass]++;
        break;
      case 'replicationLag':
        f.replicationLag[event.refused]++;
        break;
      case 'conflict':
        f.conflicts++;
        break;
      case 'injected':
        f.injected[event.code] = (f.injected[event.code] ?? 0) + 1;
        break;
      case 'dropped':
        f.dropped++;
        break;
      case 'afterCommit':
        f.afterCommit[event.afterCommit]++;
        break;
      case 'vaultReadLag':
        f.vaultReadLag[event.lagged]++;
        break;
    }
  }

  requests(sinceSeq = 0): RequestLogEntry[] {
    return this.log.filter((entry) => entry.seq > sinceSeq);
  }

  reset(): void {
    this.log = [];
    this.counters = emptyCounters();
  }

  /** Outermost middleware: whatever the inner layers do (including faults), it is counted. */
  middleware(): Middleware {
    return async (ctx, next) => {
      const response = await next();
      this.record(ctx, response);
      return response;
    };
  }
}

function emptyCounters(): Counters {
  return {
    total: 0,
    reads: 0,
    writes: 0,
    deletes: 0,
    actions: 0,
    tokens: 0,
    errors: 0,
    byPlane: {},
    byOperation: {},
    byStatus: {},
    byBucket: {
      reads: { requests: 0, throttled: 0 },
      writes: { requests: 0, throttled: 0 },
      deletes: { requests: 0, throttled: 0 },
    },
    faults: {
      total: 0,
      throttled: { reads: 0, writes: 0, deletes: 0 },
      delayed: { read: 0, write: 0, delete: 0, token: 0, dataPlane: 0 },
      replicationLag: { principalNotFound: 0, tokenRefused: 0 },
      conflicts: 0,
      injected: {},
      dropped: 0,
      afterCommit: { timeout: 0, dropConnection: 0, serverError: 0, hold: 0 },
      vaultReadLag: { staleReads: 0, removalsSkipped: 0 },
    },
  };
}

function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(response: EmulatorResponse): string | undefined {
  const body = response.body as { error?: unknown } | undefined;
  if (!body || typeof body !== 'object') return undefined;
  const error = body.error;
  if (typeof error === 'string') return error; // OAuth errors: {error: 'invalid_client'}
  if (error && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return undefined;
}
