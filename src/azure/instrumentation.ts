// The one seam every gateway call passes through: fencing before writes, the SDK's abort
// signal, one classification of failures, and one record per call for metrics and logs.
// Observers are injected (prom-client metrics and the leader-election fence plug in here);
// nothing in this file knows about either.
import type { ArmOperationClass } from './arm-rate-limiter.ts';
import { operationClassOf } from './arm-rate-limiter.ts';
import { AzureError, isAzureError } from './azure-error.ts';
import { type AzureFailure, classifyAzureError } from './errors.ts';
import { readAzureError } from './rest-error.ts';

export interface AzureCallRecord {
  /** Gateway operation, e.g. `vaults.updateAccessPolicy`. */
  operation: string;
  write: boolean;
  /** `success`, or the classified failure kind (`notFound`, `throttled`, `retry`, `stalled`, `conflict`). */
  outcome: 'success' | AzureFailure['kind'];
  /** HTTP status of the last response, when one arrived. */
  statusCode?: number;
  /** ARM error code or transport error code, on failure. */
  errorCode?: string;
  durationMs: number;
}

export interface AzureCallObserver {
  /**
   * Called before every write (PUT/DELETE/access-policy change). Throw to refuse it — e.g. when
   * this instance is no longer the leader — and the write is never sent.
   */
  beforeWrite?(operation: string): void;
  /** Called once per call, success or failure. Must not throw (errors are swallowed). */
  callCompleted?(record: AzureCallRecord): void;
  /** Called when a call waited for the client-side rate limiter. Must not throw. */
  rateLimiterWaited?(operationClass: ArmOperationClass, waitedMs: number): void;
}

/** The client-side ARM budget (ArmRateLimiter): one per subscription. */
export interface CallLimiter {
  /** Resolves once the call may go (with the ms waited); rejects when `signal` aborts first. */
  acquire(operationClass: ArmOperationClass, signal?: AbortSignal): Promise<number>;
  /** ARM answered 429 anyway: hold the class back until Retry-After. */
  throttled(operationClass: ArmOperationClass, retryAfterMs: number): void;
}

export interface CallOptions {
  /** Cancels the HTTP request (passed to the SDK as `abortSignal`). */
  signal?: AbortSignal;
}

/** The options every SDK operation accepts: cancellation and a raw-response hook (status for the record). */
export interface SdkCallOptions {
  abortSignal?: AbortSignal;
  onResponse: (response: { status: number }) => void;
}

export interface AzureCallsSettings {
  observer?: AzureCallObserver;
  /** Waits for ARM budget before each call; none: calls go at once. */
  limiter?: CallLimiter;
  /** Epoch ms; for HTTP-date Retry-After. */
  now?: () => number;
  /** Monotonic ms; for durations. */
  monotonicNow?: () => number;
}

export class AzureCalls {
  readonly #observer: AzureCallObserver;
  readonly #limiter: CallLimiter | undefined;
  readonly #now: () => number;
  readonly #monotonicNow: () => number;

  constructor(settings: AzureCallsSettings = {}) {
    this.#observer = settings.observer ?? {};
    this.#limiter = settings.limiter;
    this.#now = settings.now ?? Date.now;
    this.#monotonicNow = settings.monotonicNow ?? (() => performance.now());
  }

  /** Runs a read. Failures are thrown as AzureError. */
  read<T>(operation: string, options: CallOptions, call: (sdk: SdkCallOptions) => Promise<T>): Promise<T> {
    return this.#run(operation, false, options, call);
  }

  /** Runs a write after the fencing check. Failures are thrown as AzureError. */
  write<T>(operation: string, options: CallOptions, call: (sdk: SdkCallOptions) => Promise<T>): Promise<T> {
    return this.#run(operation, true, options, call);
  }

  /**
   * Runs a paged listing and returns its pages. ARM counts every page request as one read, so
   * each page after the first waits for its own read token (the first takes the call's), right
   * before the SDK fetches it: `hasNextPage` says whether the SDK will request another page after
   * `page` (its continuation token), so no token is taken for a page that never comes. The call
   * is one record (metrics, logs): its duration includes the waits between pages. `keep` turns
   * each page into what the caller keeps of it as soon as it arrives, so a long listing holds
   * one page of SDK objects at a time, not all of them.
   */
  readPages<P, K = P>(
    operation: string,
    options: CallOptions,
    pages: (sdk: SdkCallOptions) => AsyncIterable<P>,
    hasNextPage: (page: P) => boolean,
    keep: (page: P) => K = (page) => page as unknown as K,
  ): Promise<K[]> {
    return this.#run(operation, false, options, async (sdk) => {
      const result: K[] = [];
      // The SDK's page iterator fetches page k+1 only when asked for it: the loop's next step.
      for await (const page of pages(sdk)) {
        const more = hasNextPage(page);
        result.push(keep(page));
        if (more) await this.#awaitBudget(operation, false, options.signal);
      }
      return result;
    });
  }

  /** Waits for the class's token (if limited); an abort while waiting fails like an aborted call. */
  async #awaitBudget(operation: string, write: boolean, signal: AbortSignal | undefined): Promise<void> {
    if (!this.#limiter) return;
    const operationClass = operationClassOf(operation, write);
    let waitedMs: number;
    try {
      waitedMs = await this.#limiter.acquire(operationClass, signal);
    } catch (error) {
      throw this.#toAzureError(operation, error);
    }
    if (waitedMs > 0) {
      try {
        this.#observer.rateLimiterWaited?.(operationClass, waitedMs);
      } catch {
        // Metrics never fail a call.
      }
    }
  }

  async #run<T>(
    operation: string,
    write: boolean,
    options: CallOptions,
    call: (sdk: SdkCallOptions) => Promise<T>,
  ): Promise<T> {
    await this.#awaitBudget(operation, write, options.signal);
    // Fenced after the wait: leadership may have moved while this write queued for a token.
    if (write) this.#observer.beforeWrite?.(operation);
    const started = this.#monotonicNow();
    let statusCode: number | undefined;
    const sdk: SdkCallOptions = {
      ...(options.signal ? { abortSignal: options.signal } : {}),
      onResponse: (response) => {
        statusCode = response.status;
      },
    };
    try {
      const result = await call(sdk);
      this.#record({ operation, write, outcome: 'success', statusCode, started });
      return result;
    } catch (error) {
      const azureError = this.#toAzureError(operation, error);
      // Only a 429 with Retry-After speaks for the subscription's bucket; a bare 429 is this call's
      // refusal, and draining the class for it held every other call back (reliability.md F5).
      if (azureError.failure.kind === 'throttled' && azureError.failure.hinted && this.#limiter) {
        this.#limiter.throttled(operationClassOf(operation, write), azureError.failure.retryAfterMs);
      }
      this.#record({
        operation,
        write,
        outcome: azureError.failure.kind,
        statusCode: azureError.statusCode ?? statusCode,
        errorCode: azureError.code,
        started,
      });
      throw azureError;
    }
  }

  #toAzureError(operation: string, error: unknown): AzureError {
    if (isAzureError(error)) return error;
    const facts = readAzureError(error);
    return new AzureError(
      operation,
      classifyAzureError(error, { now: this.#now() }),
      facts.statusCode,
      facts.code,
    );
  }

  #record(
    entry: Omit<AzureCallRecord, 'durationMs' | 'statusCode' | 'errorCode'> & {
      statusCode: number | undefined;
      errorCode?: string | undefined;
      started: number;
    },
  ): void {
    const { started, statusCode, errorCode, ...rest } = entry;
    const record: AzureCallRecord = {
      ...rest,
      ...(statusCode === undefined ? {} : { statusCode }),
      ...(errorCode === undefined ? {} : { errorCode }),
      durationMs: this.#monotonicNow() - started,
    };
    try {
      this.#observer.callCompleted?.(record);
    } catch {
      // Metrics must never turn a successful Azure call into a failed reconcile.
    }
  }
}
