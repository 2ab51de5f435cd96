// Opt-in record of the request bodies clients sent to ARM and to the Key Vault data plane, so a
// test can read what an operator wrote into Azure (workflow definitions, parameters, tags,
// access-policy payloads, role assignments) and scan it for secrets. Off unless asked for: the
// request log (telemetry.ts) keeps no bodies at all. Even on, it never keeps the bodies of
// Entra ID or managed-identity requests (client secrets, assertions) or of the admin API
// (seeded secret values): those are credentials the emulator is given, not content a client
// wrote into Azure.
import type { EmulatorResponse, Middleware, Plane, RequestContext } from './pipeline.ts';

export interface RequestBodyCaptureOptions {
  /** Bodies kept, in bytes; past it the oldest are dropped and counted. Default 64 MiB. */
  maxBytes?: number;
}

export interface CapturedRequestBody {
  seq: number;
  at: string;
  method: string;
  /** Normalised path, as in the request log. */
  path: string;
  plane: Extract<Plane, 'arm' | 'keyvault'>;
  /** Azure operation name, e.g. `Microsoft.Logic/workflows/write`. */
  operation: string;
  /** What the emulator answered (0: the connection was dropped on purpose). */
  status: number;
  callerObjectId?: string;
  userAgent?: string;
  contentType?: string;
  /** The body as sent (UTF-8). */
  body: string;
}

export interface CapturedRequestBodies {
  bodies: CapturedRequestBody[];
  /** Bodies dropped (and their bytes) because the capture was full: a reader saw only part. */
  droppedBodies: number;
  droppedBytes: number;
}

const CAPTURED_PLANES = new Set<Plane>(['arm', 'keyvault']);
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export class RequestBodyCapture {
  private bodies: CapturedRequestBody[] = [];
  private bytes = 0;
  private seq = 0;
  private droppedBodies = 0;
  private droppedBytes = 0;
  private readonly maxBytes: number;

  constructor(options: RequestBodyCaptureOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes <= 0)
      throw new Error(`captureRequestBodies.maxBytes must be a positive integer, got ${this.maxBytes}`);
  }

  /**
   * Records after the inner layers answered, so the entry carries the status and the caller, and
   * records in `finally`, so a body refused by authentication or a fault is kept too: it was sent.
   */
  middleware(): Middleware {
    return async (ctx, next) => {
      let response: EmulatorResponse | undefined;
      try {
        response = await next();
        return response;
      } finally {
        this.record(ctx, response);
      }
    };
  }

  read(sinceSeq = 0): CapturedRequestBodies {
    return {
      bodies: this.bodies.filter((entry) => entry.seq > sinceSeq),
      droppedBodies: this.droppedBodies,
      droppedBytes: this.droppedBytes,
    };
  }

  reset(): void {
    this.bodies = [];
    this.bytes = 0;
    this.droppedBodies = 0;
    this.droppedBytes = 0;
  }

  private record(ctx: RequestContext, response: EmulatorResponse | undefined): void {
    const { route } = ctx.match;
    if (!CAPTURED_PLANES.has(route.plane) || ctx.rawBody.length === 0) return;
    const userAgent = header(ctx, 'user-agent');
    const contentType = header(ctx, 'content-type');
    const body = ctx.rawBody.toString('utf8');
    this.bodies.push({
      seq: ++this.seq,
      at: new Date(ctx.receivedAt).toISOString(),
      method: ctx.method,
      path: ctx.path,
      plane: route.plane as CapturedRequestBody['plane'],
      operation: route.operation,
      status: response?.status ?? 500,
      ...(ctx.caller ? { callerObjectId: ctx.caller.oid } : {}),
      ...(userAgent ? { userAgent } : {}),
      ...(contentType ? { contentType } : {}),
      body,
    });
    this.bytes += Buffer.byteLength(body, 'utf8');
    while (this.bytes > this.maxBytes && this.bodies.length > 0) {
      const dropped = this.bodies.shift() as CapturedRequestBody;
      const size = Buffer.byteLength(dropped.body, 'utf8');
      this.bytes -= size;
      this.droppedBodies++;
      this.droppedBytes += size;
    }
  }
}

function header(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
