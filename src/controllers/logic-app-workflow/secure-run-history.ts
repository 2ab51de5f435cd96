// Secure run history (docs/design.md, LogicAppWorkflow spec). Every action that handles secret data —
// reads Key Vault with the workflow's managed identity (an HTTP action, or the Key Vault managed
// connector: key-vault-connector.ts), or uses such data directly, through other actions or through
// variables, at any nesting depth — gets `runtimeConfiguration.secureData` for
// what its type supports, so the secret never shows in run history. Where the type supports less,
// the action is reported instead, with what to change: Azure refuses the setting there, and only
// the team can change the definition. Pure: the definition is copied, never mutated.
//
// What each type supports: Microsoft Learn, "Secure access and data in Azure Logic Apps", section
// "Secure data in run history by using obfuscation"
// (learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app#obfuscate; MicrosoftDocs/
// azure-docs articles/logic-apps/logic-apps-securing-a-logic-app.md, commit 8523e128b84f664f46aa5d932699fb0277e8b298):
// - the variable operations, For each, If, Scope, Switch, Terminate and Until support neither
//   secure inputs nor secure outputs;
// - Compose, Parse JSON and Response have secure inputs only, and "when turned on, the setting
//   also hides these actions' outputs"; Wait has secure inputs only;
// - every other action (HTTP, connectors, data operations...) supports both: "All managed
//   connectors and custom connectors support these options", so an `ApiConnection` action gets both.
// The same page says why every handler is marked explicitly: Azure hides a downstream action's
// inputs on its own only where that action uses *secured outputs* explicitly — not its outputs,
// not through a variable, and never downstream of Compose, Parse JSON or Response.
//
// Action names are unique across a whole Logic Apps definition (nested ones included), which is
// why one flat name → action map is enough to follow references between any two actions.
import type { RunHistoryExposure, RunHistoryPart } from '../../crds/index.ts';
import { CONNECTIONS_PARAMETER } from './connections-parameter.ts';
import { keyVaultConnectionKeys, readsKeyVaultThroughConnector } from './key-vault-connector.ts';

type Json = Record<string, unknown>;

const PARTS: readonly RunHistoryPart[] = ['inputs', 'outputs'];

const KEY_VAULT_AUDIENCE = 'https://vault.azure.net';
/** Key Vault data-plane hosts of the public and sovereign clouds. */
const VAULT_HOST =
  /^https:\/\/[a-z0-9-]+\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)(:\d+)?(\/|$)/i;
/** Expression functions that hand one action's data to another. `items` names a foreach loop. */
const ACTION_REFERENCE = /\b(?:body|outputs|actions|result|items)\(\s*'((?:[^']|'')+)'\s*\)/g;
/** `item()`: the current item of the innermost enclosing For each. */
const CURRENT_ITEM = /\bitem\(\s*\)/;
const VARIABLE_REFERENCE = /\bvariables\(\s*'((?:[^']|'')+)'\s*\)/g;
const PARAMETER_REFERENCE = /\bparameters\(\s*'((?:[^']|'')+)'\s*\)/g;

/** Why a type cannot hide secret data, which decides what the team should change. */
type Unsecurable = 'variable' | 'loop' | 'decision' | 'scope' | 'terminate' | 'wait';

/** WDL types (lower case) with less than both settings; every other type supports both. */
const LIMITED_TYPES: ReadonlyMap<string, { settable: readonly RunHistoryPart[]; why: Unsecurable | null }> =
  new Map(
    Object.entries({
      initializevariable: { settable: [], why: 'variable' },
      setvariable: { settable: [], why: 'variable' },
      incrementvariable: { settable: [], why: 'variable' },
      decrementvariable: { settable: [], why: 'variable' },
      appendtoarrayvariable: { settable: [], why: 'variable' },
      appendtostringvariable: { settable: [], why: 'variable' },
      foreach: { settable: [], why: 'loop' },
      if: { settable: [], why: 'decision' },
      switch: { settable: [], why: 'decision' },
      until: { settable: [], why: 'decision' },
      scope: { settable: [], why: 'scope' },
      terminate: { settable: [], why: 'terminate' },
      // Secure inputs hide the outputs too: nothing is left to show.
      compose: { settable: ['inputs'], why: null },
      parsejson: { settable: ['inputs'], why: null },
      response: { settable: ['inputs'], why: null },
      wait: { settable: ['inputs'], why: 'wait' },
    }),
  );

/** Variable operations whose `inputs.name` is the variable they write. */
const WRITES_NAMED_VARIABLE = new Set([
  'setvariable',
  'appendtostringvariable',
  'appendtoarrayvariable',
  'incrementvariable',
  'decrementvariable',
]);

export interface SecureDataSupport {
  /** What `runtimeConfiguration.secureData.properties` may hold for this type. */
  settable: readonly RunHistoryPart[];
  /** What run history still shows once that is set. */
  shows: readonly RunHistoryPart[];
}

/** What Logic Apps can hide in run history for actions of this type (compared case-insensitively). */
export function secureDataSupport(type: string): SecureDataSupport {
  const limited = LIMITED_TYPES.get(type.toLowerCase());
  if (!limited) return { settable: PARTS, shows: [] };
  if (limited.why === null) return { settable: limited.settable, shows: [] };
  return { settable: limited.settable, shows: PARTS.filter((part) => !limited.settable.includes(part)) };
}

export interface SecureRunHistoryOptions {
  /**
   * Workflow parameters whose value is a Key Vault secret URI (e.g. injected by a binding): an
   * action whose URI is `@parameters('that')` reads Key Vault too.
   */
  vaultUriParameters?: readonly string[];
  /**
   * The `$connections` value the workflow is deployed with (key → `{ id, connectionId, ... }`):
   * an `ApiConnection` action on an entry of the Key Vault managed API that gets a secret reads
   * Key Vault too. When undefined, secureRunHistory falls back to the definition's `defaultValue`
   * of `$connections`, which is what Azure uses then.
   */
  connections?: unknown;
}

export interface FoundAction {
  name: string;
  action: Json;
  /** Names of actions nested anywhere below this one (for `result('Scope')`). */
  descendants: string[];
  /** The container this action is nested in, if any. */
  parent?: string;
}

export interface SecuredRunHistory {
  /** The definition with secureData on every action that handles secret data and can hide it. */
  definition: Json;
  /** Actions that handle secret data where Azure cannot hide it, sorted by name. */
  exposed: RunHistoryExposure[];
}

/** The definition with secureData where Azure allows it, and a report of where it does not. */
export function secureRunHistory(
  definition: Readonly<Json>,
  options: SecureRunHistoryOptions = {},
): SecuredRunHistory {
  const copy = structuredClone(definition) as Json;
  const actions = collectActions(copy.actions);
  const exposed: RunHistoryExposure[] = [];
  const connections = options.connections ?? declaredDefault(copy, CONNECTIONS_PARAMETER);
  for (const [name, source] of secretHandlingActions(actions, { ...options, connections })) {
    const found = actions.get(name);
    if (!found) continue;
    const type = typeof found.action.type === 'string' ? found.action.type : '';
    const support = secureDataSupport(type);
    if (support.settable.length > 0) markSecure(found.action, support.settable);
    if (support.shows.length > 0) {
      exposed.push({ action: name, type, shows: [...support.shows], change: changeFor(type, source) });
    }
  }
  return { definition: copy, exposed };
}

/**
 * The actions that handle secret data, sorted by name, each with the Key Vault action its data
 * comes from (named in what to change).
 */
export function secretHandlingActions(
  actions: ReadonlyMap<string, FoundAction>,
  options: SecureRunHistoryOptions = {},
): Map<string, string> {
  const vaultParameters = new Set(options.vaultUriParameters ?? []);
  const keyVaultConnections = keyVaultConnectionKeys(options.connections);
  /** Action → the Key Vault action its secret data comes from. */
  const handling = new Map<string, string>();
  for (const { name, action } of actions.values()) {
    const reads =
      readsKeyVault(action, vaultParameters) || readsKeyVaultThroughConnector(action, keyVaultConnections);
    if (reads) handling.set(name, name);
  }
  const uses = new Map<string, Uses>();
  for (const found of actions.values()) uses.set(found.name, usesOf(found, actions));
  const writes = [...actions.values()].flatMap(variableWrites);
  /** Variable (lower case) → the Key Vault action its value comes from. */
  const secretVariables = new Map<string, string>();

  // An action handles secret data when it references one that does (or a container holding
  // one), or a variable written from such data; a variable is secret once any write puts such
  // data in it. Both spread until nothing changes.
  const sourceOfAction = (name: string): string | undefined => {
    const own = handling.get(name);
    if (own !== undefined) return own;
    for (const inner of actions.get(name)?.descendants ?? []) {
      const source = handling.get(inner);
      if (source !== undefined) return source;
    }
    return undefined;
  };
  const sourceOf = (used: Uses): string | undefined => {
    for (const name of used.actions) {
      const source = sourceOfAction(name);
      if (source !== undefined) return source;
    }
    for (const variable of used.variables) {
      const source = secretVariables.get(variable);
      if (source !== undefined) return source;
    }
    return undefined;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, used] of uses) {
      if (handling.has(name)) continue;
      const source = sourceOf(used);
      if (source !== undefined) {
        handling.set(name, source);
        changed = true;
      }
    }
    for (const write of writes) {
      if (secretVariables.has(write.variable)) continue;
      const source = sourceOf(write.uses);
      if (source !== undefined) {
        secretVariables.set(write.variable, source);
        changed = true;
      }
    }
  }
  return new Map([...handling].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every action in the definition, nested ones included, by name. */
export function collectActions(actions: unknown): Map<string, FoundAction> {
  const found = new Map<string, FoundAction>();
  const visit = (map: unknown, parent: string | undefined): string[] => {
    if (!isObject(map)) return [];
    const names: string[] = [];
    for (const [name, action] of Object.entries(map)) {
      if (!isObject(action)) continue;
      const descendants = nestedActionMaps(action).flatMap((nested) => visit(nested, name));
      found.set(name, { name, action, descendants, ...(parent === undefined ? {} : { parent }) });
      names.push(name, ...descendants);
    }
    return names;
  };
  visit(actions, undefined);
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

/** What an expression text reads: other actions' data, and variables (lower case: names are case-insensitive). */
interface Uses {
  actions: Set<string>;
  variables: Set<string>;
}

function usesIn(text: string): Uses {
  return {
    actions: new Set([...text.matchAll(ACTION_REFERENCE)].map((match) => unquote(match[1] ?? ''))),
    variables: new Set(
      [...text.matchAll(VARIABLE_REFERENCE)].map((match) => unquote(match[1] ?? '').toLowerCase()),
    ),
  };
}

function usesOf(found: FoundAction, actions: ReadonlyMap<string, FoundAction>): Uses {
  const text = JSON.stringify(ownFields(found.action));
  const used = usesIn(text);
  if (CURRENT_ITEM.test(text)) {
    const loop = enclosingForeach(found, actions);
    if (loop) used.actions.add(loop);
  }
  return used;
}

function enclosingForeach(found: FoundAction, actions: ReadonlyMap<string, FoundAction>): string | undefined {
  for (let parent = found.parent; parent !== undefined; parent = actions.get(parent)?.parent) {
    const type = actions.get(parent)?.action.type;
    if (typeof type === 'string' && type.toLowerCase() === 'foreach') return parent;
  }
  return undefined;
}

/** The variables a variable operation writes, each with what the written value reads. */
function variableWrites({ action }: FoundAction): Array<{ variable: string; uses: Uses }> {
  const type = typeof action.type === 'string' ? action.type.toLowerCase() : '';
  const inputs = isObject(action.inputs) ? action.inputs : undefined;
  if (!inputs) return [];
  if (type === 'initializevariable' && Array.isArray(inputs.variables)) {
    return inputs.variables
      .filter(isObject)
      .flatMap((entry) =>
        typeof entry.name === 'string'
          ? [{ variable: entry.name.toLowerCase(), uses: usesIn(JSON.stringify(entry)) }]
          : [],
      );
  }
  if (WRITES_NAMED_VARIABLE.has(type) && typeof inputs.name === 'string') {
    return [{ variable: inputs.name.toLowerCase(), uses: usesIn(JSON.stringify(inputs.value ?? null)) }];
  }
  return [];
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

/** The `defaultValue` the definition declares for a parameter, if any. */
function declaredDefault(definition: Json, parameter: string): unknown {
  const declared = isObject(definition.parameters) ? definition.parameters[parameter] : undefined;
  return isObject(declared) ? declared.defaultValue : undefined;
}

/** What the team can change so an action of this type stops showing data from `source`. */
function changeFor(type: string, source: string): string {
  const aType = `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type}`;
  switch (LIMITED_TYPES.get(type.toLowerCase())?.why) {
    case 'variable':
      return `keep the secret out of variables: use the output of '${source}' directly in the action that needs it (e.g. an HTTP action's header), which logicops secures`;
    case 'loop':
      return `loop over data that does not come from '${source}': Azure cannot hide the items of ${aType} loop`;
    case 'decision':
      return `decide on data that does not come from '${source}': Azure cannot hide the expression of ${aType} action`;
    case 'scope':
      return `move the expression that uses data from '${source}' into an action inside the ${type}`;
    case 'terminate':
      return `keep data from '${source}' out of the ${type} action's error code and message`;
    case 'wait':
      return `keep data from '${source}' out of the ${type} action: its outputs cannot be hidden`;
    default:
      return `keep data from '${source}' out of this action`;
  }
}

function markSecure(action: Json, properties: readonly RunHistoryPart[]): void {
  const runtimeConfiguration = isObject(action.runtimeConfiguration) ? action.runtimeConfiguration : {};
  action.runtimeConfiguration = { ...runtimeConfiguration, secureData: { properties: [...properties] } };
}

/** WDL escapes a quote inside a string literal by doubling it. */
function unquote(name: string): string {
  return name.replaceAll("''", "'");
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
