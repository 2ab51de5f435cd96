// Reads what the classifier needs from an error thrown by an Azure SDK call. The ARM clients
// (core-client), the Key Vault client (ts-http-runtime) and @azure/identity each have their own
// error classes, and a second copy of a package makes `instanceof` lie, so errors are read by
// shape — the same way core-rest-pipeline's own `isRestError` does (by `name`).

/** The fields of an SDK error that drive classification. Never holds request bodies or headers beyond retry hints. */
export interface AzureErrorFacts {
  /** Error class name: `RestError`, `AuthenticationError`, `CredentialUnavailableError`, `AbortError`, … */
  name: string;
  /** HTTP status, when a response arrived. */
  statusCode?: number;
  /** ARM error code (`error.code` of the body) or a transport code (`REQUEST_SEND_ERROR`, `ECONNRESET`). */
  code?: string;
  message: string;
  /** Response header lookup (case-insensitive); undefined when there was no response. */
  header(name: string): string | undefined;
}

interface HeaderBag {
  get(name: string): string | undefined | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function readHeaders(error: Record<string, unknown>): (name: string) => string | undefined {
  const response = error.response;
  const headers = isObject(response) ? response.headers : undefined;
  if (isObject(headers) && typeof (headers as Partial<HeaderBag>).get === 'function') {
    const bag = headers as unknown as HeaderBag;
    return (name) => bag.get(name) ?? undefined;
  }
  if (isObject(headers)) {
    const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    return (name) => {
      const value = lower.get(name.toLowerCase());
      return typeof value === 'string' ? value : undefined;
    };
  }
  return () => undefined;
}

export function readAzureError(error: unknown): AzureErrorFacts {
  if (!isObject(error)) return { name: 'Unknown', message: String(error), header: () => undefined };
  const statusCode =
    typeof error.statusCode === 'number'
      ? error.statusCode
      : typeof error.status === 'number'
        ? error.status
        : undefined;
  const code = typeof error.code === 'string' && error.code !== '' ? error.code : undefined;
  return {
    name: typeof error.name === 'string' ? error.name : 'Error',
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(code === undefined ? {} : { code }),
    message: typeof error.message === 'string' ? error.message : '',
    header: readHeaders(error),
  };
}

/**
 * How long Azure asked us to wait, in ms: `retry-after-ms` / `x-ms-retry-after-ms` (ms) first,
 * then `Retry-After` as seconds or an HTTP date. Undefined when there is no usable hint.
 */
export function retryAfterMs(header: (name: string) => string | undefined, now: number): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(header(name));
    if (header(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = header('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
