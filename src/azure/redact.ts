// Azure error messages are shown to humans (conditions, events, logs). They normally hold no
// credentials, but a message can echo a request URL or header, so anything shaped like a
// token, a SAS signature or a client secret is masked before it leaves this layer.

const REDACTED = '[redacted]';

const SECRET_SHAPES: readonly RegExp[] = [
  // JWTs (access tokens, federated assertions): three base64url parts, the first starting "eyJ".
  /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g,
  // "Bearer <token>" as echoed from an Authorization header.
  /\bBearer\s+[^\s"',;]+/gi,
  // key=value pairs whose value is a credential (query strings, form bodies, connection strings).
  /\b(client_secret|client_assertion|access_token|refresh_token|sig|password|AccountKey|SharedAccessKey)=([^&\s"',;]+)/gi,
];

/** `text` with every credential-shaped substring replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const shape of SECRET_SHAPES) {
    result = result.replace(shape, (match, key?: unknown) =>
      typeof key === 'string' && match.includes('=') ? `${key}=${REDACTED}` : REDACTED,
    );
  }
  return result;
}

/** Long Azure messages (template validation dumps) are cut so conditions stay readable. */
export function truncate(text: string, maxLength = 600): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
