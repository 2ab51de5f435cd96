// Secure run history (docs/design.md, LogicAppWorkflow spec): every action that reads Key Vault with
// the workflow's managed identity, and every action that uses such an action's outputs —
// directly or through other actions, at any nesting depth — gets
// `runtimeConfiguration.secureData.properties: ["inputs", "outputs"]`, so the secret never shows
// in run history. Pure: the definition is copied, never mutated.
//
// Action names are unique across a whole Logic Apps definition (nested ones included), which is
// why one flat name → action map is enough to follow references between any two actions.

type Json = Record<string, unknown>;

export const SECURE_DATA_PROPERTIES = ['inputs', 'outputs'] as const;

const KEY_VAULT_AUDIENCE = 'https://vault.azure.net';
/** Key Vault data-plane hosts of the public and sovereign clouds. */
const VAULT_HOST =
  /^https:\/\/[a-z0-9-]+\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)(:\d+)?(\/|$)/i;
/** Expression functions that hand one action's data to another. `items` names a foreach loop. */
const ACTION_REFERENCE = /\b(?:body|outputs|actions|result|items)\(\s*'((?:[^']|'')+)'\s*\)/g;
const PARAMETER_REFERENCE = /\bparameters\(\s*'((?:[^']|'')+)'\s*\)/g;

export interface SecureRunHistoryOptions {
  /**
   * Workflow parameters whose value is a Key Vault secret URI (e.g. injected by a binding): an
   * action whose URI is `@parameters('that')` reads Key Vault too.
   */
  vaultUriParameters?: readonly string[];
}

export interface FoundAction {
  name: string;
  action: Json;
  /** Names of actions nested anywhere below this one (for `result('Scope')`). */
  descendants: string[];
}

/** The definition with secureData on every action that touches a Key Vault secret. */
export function secureRunHistory(definition: Readonly<Json>, options: SecureRunHistoryOptions = {}): Json {
  const copy = structuredClone(definition) as Json;
  const actions = collectActions(copy.actions);
  for (const name of securedActionNames(actions, options)) {
    const found = actions.get(name);
    if (found) markSecure(found.action);
  }
  return copy;
}

/** The names of the actions secureRunHistory marks (exported for tests and messages). */
export function securedActionNames(
  actions: ReadonlyMap<string, FoundAction>,
  options: SecureRunHistoryOptions = {},
): string[] {
  const vaultParameters = new Set(options.vaultUriParameters ?? []);
  const secured = new Set<string>();
  for (const { name, action } of actions.values()) {
    if (readsKeyVault(action, vaultParameters)) secured.add(name);
  }
  const references = new Map<string, Set<string>>();
  for (const { name, action } of actions.values()) references.set(name, referencedActions(action));

  // Taint spreads until nothing changes: an action is secured when it references a secured
  // action, or a container (scope, loop, condition) with a secured action inside it.
  const tainted = (name: string) =>
    secured.has(name) || (actions.get(name)?.descendants.some((inner) => secured.has(inner)) ?? false);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, referenced] of references) {
      if (secured.has(name)) continue;
      if ([...referenced].some(tainted)) {
        secured.add(name);
        changed = true;
      }
    }
  }
  return [...secured].sort();
}

/** Every action in the definition, nested ones included, by name. */
export function collectActions(actions: unknown): Map<string, FoundAction> {
  const found = new Map<string, FoundAction>();
  const visit = (map: unknown): string[] => {
    if (!isObject(map)) return [];
    const names: string[] = [];
    for (const [name, action] of Object.entries(map)) {
      if (!isObject(action)) continue;
      const descendants = nestedActionMaps(action).flatMap(visit);
      found.set(name, { name, action, descendants });
      names.push(name, ...descendants);
    }
    return names;
  };
  visit(actions);
  return found;
}

/** Where WDL nests actions: Scope/Foreach/Until `actions`, If `else`, Switch `cases` and `default`. */
function nestedActionMaps(action: Json): unknown[] {
  const maps: unknown[] = [action.actions];
  if (isObject(action.else)) maps.push(action.else.actions);
  if (isObject(action.default)) maps.push(action.default.actions);
  if (isObject(action.cases)) {
    for (const branch of Object.values(action.cases)) if (isObject(branch)) maps.push(branch.actions);
  }
  return maps.filter(isObject);
}

/** The action without the actions nested in it: what its own expressions can see. */
function ownFields(action: Json): Json {
  const own: Json = { ...action };
  delete own.actions;
  if (isObject(action.else)) own.else = { ...action.else, actions: undefined };
  if (isObject(action.default)) own.default = { ...action.default, actions: undefined };
  if (isObject(action.cases)) {
    own.cases = Object.fromEntries(
      Object.entries(action.cases).map(([key, branch]) => [
        key,
        isObject(branch) ? { ...branch, actions: undefined } : branch,
      ]),
    );
  }
  return own;
}

function referencedActions(action: Json): Set<string> {
  const text = JSON.stringify(ownFields(action));
  return new Set([...text.matchAll(ACTION_REFERENCE)].map((match) => unquote(match[1] ?? '')));
}

function readsKeyVault(action: Json, vaultParameters: ReadonlySet<string>): boolean {
  const inputs = isObject(action.inputs) ? action.inputs : undefined;
  if (!inputs) return false;
  const authentication = isObject(inputs.authentication) ? inputs.authentication : undefined;
  const withManagedIdentity =
    typeof action.type === 'string' &&
    action.type.toLowerCase() === 'http' &&
    typeof authentication?.type === 'string' &&
    authentication.type.toLowerCase() === 'managedserviceidentity' &&
    typeof authentication.audience === 'string' &&
    authentication.audience.replace(/\/+$/, '').toLowerCase() === KEY_VAULT_AUDIENCE;
  if (withManagedIdentity) return true;
  const uri = inputs.uri;
  if (typeof uri !== 'string') return false;
  if (VAULT_HOST.test(uri.replace(/^@\{?/, ''))) return true;
  return [...uri.matchAll(PARAMETER_REFERENCE)].some((match) => vaultParameters.has(unquote(match[1] ?? '')));
}

function markSecure(action: Json): void {
  const runtimeConfiguration = isObject(action.runtimeConfiguration) ? action.runtimeConfiguration : {};
  action.runtimeConfiguration = {
    ...runtimeConfiguration,
    secureData: { properties: [...SECURE_DATA_PROPERTIES] },
  };
}

/** WDL escapes a quote inside a string literal by doubling it. */
function unquote(name: string): string {
  return name.replaceAll("''", "'");
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
