// Errors shaped like the ones the Azure SDKs throw (RestError from core-rest-pipeline and
// ts-http-runtime, @azure/identity's credential errors, Node's network errors). The
// classifier reads errors by shape, so these exercise exactly the fields it uses.

export function restError(
  statusCode: number | undefined,
  code: string | undefined,
  message = 'Azure said no.',
  headers: Record<string, string> = {},
): Error {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.assign(new Error(message), {
    name: 'RestError',
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(code === undefined ? {} : { code }),
    response: { status: statusCode, headers: { get: (name: string) => lower.get(name.toLowerCase()) } },
  });
}

export function namedError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

export function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
}
