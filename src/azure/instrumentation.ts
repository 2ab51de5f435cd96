// The one seam every gateway call passes through: fencing before writes, the SDK's abort
// signal, one classification of failures, and one record per call for metrics and logs.
// Observers are injected (prom-client metrics and the leader-election fence plug in here);
// nothing in this file knows about either.
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
  /** Epoch ms; for HTTP-date Retry-After. */
  now?: () => number;
  /** Monotonic ms; for durations. */
  monotonicNow?: () => number;
}

export class AzureCalls {
  readonly #observer: AzureCallObserver;
  readonly #now: () => number;
  readonly #monotonicNow: () => number;

  constructor(settings: AzureCallsSettings = {}) {
    this.#observer = settings.observer ?? {};
    this.#now = settings.now ?? Date.now;
    this.#monotonicNow = settings.monotonicNow ?? (() => performance.now());
  }

  /** Runs a read. Failures are thrown as AzureError. */
  read<T>(operation: string, options: CallOptions, call: (sdk: SdkCallOptions) => Promise<T>): Promise<T> {
    return this.#run(operation, false, options, call);
  }

  /** Runs a write after the fencing check. Failures are thrown as AzureError. */
  async write<T>(
    operation: string,
    options: CallOptions,
    call: (sdk: SdkCallOptions) => Promise<T>,
  ): Promise<T> {
    // async: a refusal is a rejected promise like any other failure, never a synchronous throw.
    this.#observer.beforeWrite?.(operation);
    return this.#run(operation, true, options, call);
  }

  async #run<T>(
    operation: string,
    write: boolean,
    options: CallOptions,
    call: (sdk: SdkCallOptions) => Promise<T>,
  ): Promise<T> {
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
