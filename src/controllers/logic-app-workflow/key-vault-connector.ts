// Key Vault reads through the Key Vault managed connector (issue 24), for secure run history: an
// `ApiConnection` action whose connection is a `$connections` entry of the `keyvault` managed API
// and whose operation returns secret data. Pure.
//
// The connection: the designer writes `inputs.host.connection.name` as
// `@parameters('$connections')['<key>']['connectionId']`, and only the `$connections` value the
// workflow is deployed with says which API that key is: its `id` is the managed API,
// `/subscriptions/{s}/providers/Microsoft.Web/locations/{location}/managedApis/keyvault`. The key
// itself (often "keyvault", but "keyvault_1" or anything else is as valid) proves nothing.
//
// The operation, by `inputs.path` (the connector's operations: Microsoft Learn, "Azure Key Vault"
// connector reference, learn.microsoft.com/connectors/keyvault; paths and remarks as in
// Microsoft's connector SDK reference, learn.microsoft.com/dotnet/api/azure.connectors.sdk.keyvault.keyvaultclient):
// - Get secret `/secrets/{name}/value`, Get secret version `/secrets/{name}/versions/{version}/value`,
//   Decrypt data with key `/keys/{name}/decrypt` and its `/versions/{version}/decrypt`: the SDK
//   reference says of each "Output of this operation is typically classified as secret and can be
//   visible in the run history". They are Key Vault reads here, exactly like the HTTP read.
// - Get secret metadata, Get secret version metadata, List secrets, List secret versions, the key
//   metadata and list operations, Encrypt data: not reads. They return names, ids, versions,
//   attributes or ciphertext, never a secret value: the SDK reference has no such remark for
//   them, and the Key Vault REST operations behind the lists say "only the base secret identifier
//   and its attributes are provided" (Get Secrets) and "No values are returned for the secrets"
//   (Get Secret Versions, learn.microsoft.com/rest/api/keyvault/secrets). Nothing is tainted.
// - A path that is one whole expression (`@concat(...)`, `@{...}`), does not start with a literal
//   `/`, or is no string at all could be any of them: taken as a read, because over-securing is
//   the safe direction. The method is not looked at: the path alone names the operation.
// `ApiConnectionWebhook` is not considered: the Key Vault connector has no webhook operations.

type Json = Record<string, unknown>;

const KEY_VAULT_API_ID = /\/managedApis\/keyvault\/?$/i;
/** `parameters('$connections')['<key>']['connectionId']`, `?[...]` allowed. */
const CONNECTION_REFERENCE =
  /^parameters\(\s*'\$connections'\s*\)\s*\??\[\s*'((?:[^']|'')+)'\s*\]\s*\??\[\s*'connectionId'\s*\]$/i;
/** Operations whose outputs are secret data (see above), on the path with expressions blanked. */
const SECRET_OPERATIONS = [
  /^\/secrets\/[^/]+\/value$/i,
  /^\/secrets\/[^/]+\/versions\/[^/]+\/value$/i,
  /^\/keys\/[^/]+\/decrypt$/i,
  /^\/keys\/[^/]+\/versions\/[^/]+\/decrypt$/i,
];

/**
 * The `$connections` keys (lower case) whose entry is a connection to the Key Vault managed API,
 * from the `$connections` value (key → `{ id, connectionId, ... }`); anything else is ignored.
 */
export function keyVaultConnectionKeys(connections: unknown): Set<string> {
  const keys = new Set<string>();
  if (!isObject(connections)) return keys;
  for (const [key, entry] of Object.entries(connections)) {
    if (isObject(entry) && typeof entry.id === 'string' && KEY_VAULT_API_ID.test(entry.id.trim())) {
      keys.add(key.toLowerCase());
    }
  }
  return keys;
}

/** Whether this action gets secret data from Key Vault through one of `keyVaultKeys` (lower case). */
export function readsKeyVaultThroughConnector(action: Json, keyVaultKeys: ReadonlySet<string>): boolean {
  if (keyVaultKeys.size === 0) return false;
  if (typeof action.type !== 'string' || action.type.toLowerCase() !== 'apiconnection') return false;
  const inputs = isObject(action.inputs) ? action.inputs : undefined;
  const host = isObject(inputs?.host) ? inputs.host : undefined;
  const connection = isObject(host?.connection) ? host.connection : undefined;
  const key = typeof connection?.name === 'string' ? connectionKey(connection.name) : undefined;
  // Keys are compared ignoring case: a near-miss counts as the Key Vault connection, the safe side.
  if (key === undefined || !keyVaultKeys.has(key.toLowerCase())) return false;
  return returnsSecretData(inputs?.path);
}

/** The `$connections` key a `host.connection.name` expression names; undefined for any other form. */
function connectionKey(name: string): string | undefined {
  const expression = name.trim().match(/^@\{(.*)\}$/s)?.[1] ?? name.trim().match(/^@(?!@)(.*)$/s)?.[1];
  const match = expression?.trim().match(CONNECTION_REFERENCE);
  return match ? (match[1] ?? '').replaceAll("''", "'") : undefined;
}

function returnsSecretData(path: unknown): boolean {
  if (typeof path !== 'string') return true;
  const literal = blankInterpolations(path.trim());
  if (literal === undefined || !literal.startsWith('/')) return true;
  const withoutQuery = literal.split('?')[0]?.replace(/\/+$/, '') ?? '';
  return SECRET_OPERATIONS.some((operation) => operation.test(withoutQuery));
}

/**
 * The path with every `@{...}` replaced by one character, so each stands for one segment; undefined
 * when the whole path is one expression (`@...`), whose operation cannot be read off the text.
 */
function blankInterpolations(path: string): string | undefined {
  if (path.startsWith('@') && !path.startsWith('@{') && !path.startsWith('@@')) return undefined;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    if (path.startsWith('@@', i)) {
      out += '@';
      i++;
    } else if (path.startsWith('@{', i)) {
      i = interpolationEnd(path, i + 2);
      out += 'x';
    } else {
      out += path[i];
    }
  }
  return out;
}

/** Index of the `}` closing an interpolation whose expression starts at `from` (braces in string literals skipped). */
function interpolationEnd(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === "'")
      inString = !inString; // a doubled quote toggles twice: still inside
    else if (char === '}' && !inString) return i;
  }
  return text.length;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
