// The unit tests' one stand-in for the Kubernetes API server: objects in memory behind the
// KubeClient calls the controllers make (get, JSON Patch, merge patch, the /status subresource).
// Strict where the operator relies on the server's guarantees, so a test cannot pass on a
// leniency the real server lacks:
// - every stored change gets a new resourceVersion, and a merge patch that names a
//   resourceVersion other than the stored one fails with 409 Conflict (the optimistic lock of
//   status-patcher.ts);
// - JSON Patch (RFC 6902) applies all its operations or none; a failed `test`, or a path that is
//   not there, fails with 422 Unprocessable Entity (finalizers.ts guards its writes that way). As
//   the API server's json-patch library does, a `test` for null passes on an absent member;
// - a patch of the object leaves its status alone, a patch of /status changes only the status;
// - an object being deleted is gone once its last finalizer is;
// - a create of an object that exists fails with 409 AlreadyExists; a delete of one that does
//   not with 404 NotFound (objects created here have no finalizers: a delete removes them);
// - a TokenRequest (create on serviceaccounts/{name}/token) needs the ServiceAccount, an
//   audience and at least the API server's minimum of 600 expirationSeconds, and answers with a
//   token and its expiry; nothing is stored.
import { isDeepStrictEqual } from 'node:util';
import { ApiException, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient, ResourceKind } from '../../src/runtime/index.ts';

type Json = Record<string, unknown>;
type Stored = KubernetesObject & { status?: unknown };

export interface ApiRequest {
  verb: 'get' | 'patch' | 'create' | 'delete';
  kind: string;
  namespace?: string;
  name: string;
  subresource?: 'status' | 'token';
  /** The patch or the created object as sent (JSON Patch operations, the merge patch, a TokenRequest). */
  body?: unknown;
}

export interface ApiWrite {
  kind: string;
  namespace?: string;
  name: string;
  subresource?: 'status';
  before: Stored;
  /** Undefined when the write removed the object (its last finalizer while deleting). */
  after: Stored | undefined;
}

interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

export class FakeApiServer {
  private readonly objects = new Map<string, Stored>();
  private version = 0;
  /** Every request received, answered or refused, in order. */
  readonly requests: ApiRequest[] = [];
  /** Runs as a request arrives; throw to refuse it (a crash before the write, a network error). */
  beforeRequest?: (request: ApiRequest) => void;
  /** Runs after each patch the server stored (not for patches that changed nothing, creates or deletes). */
  onWrite?: (write: ApiWrite) => void;
  /** Epoch ms: the time TokenRequest expiries are counted from. */
  now: () => number = Date.now;
  private tokens = 0;

  /**
   * Stores `object` as a write by someone else (kubectl, another controller): created or
   * replaced whole, with a new resourceVersion. Returns the stored copy.
   */
  put<K extends KubernetesObject>(object: K): K {
    const copy = structuredClone(object) as Stored;
    copy.metadata = { ...copy.metadata, resourceVersion: this.nextVersion() };
    this.objects.set(keyOf(copy.kind ?? '', copy.metadata.namespace, copy.metadata.name ?? ''), copy);
    return structuredClone(copy) as K;
  }

  /** Removes `kind` namespace/name as someone else would (kubectl delete of an object without finalizers). */
  remove(kind: string, namespace: string | undefined, name: string): void {
    this.objects.delete(keyOf(kind, namespace, name));
  }

  /** The stored object (a copy), or undefined. */
  find<K extends KubernetesObject>(kind: string, namespace: string | undefined, name: string): K | undefined {
    const found = this.objects.get(keyOf(kind, namespace, name));
    return found && (structuredClone(found) as K);
  }

  /** The stored object (a copy); throws the API server's 404 when there is none. */
  read<K extends KubernetesObject>(kind: string, namespace: string | undefined, name: string): K {
    const found = this.find<K>(kind, namespace, name);
    if (!found) throw apiError(404, 'NotFound', `${kind} ${namespace ?? ''}/${name} not found`);
    return found;
  }

  /** Every stored object of `kind` (copies). */
  list<K extends KubernetesObject>(kind: string): K[] {
    return [...this.objects.values()]
      .filter((object) => object.kind === kind)
      .map((object) => structuredClone(object) as K);
  }

  /** The KubeClient the code under test gets; calls the fake does not serve fail loudly. */
  asClient(): KubeClient {
    const server = this;
    const client = {
      async get<K extends KubernetesObject>(kind: ResourceKind, namespace: string | undefined, name: string) {
        server.receive({ verb: 'get', kind: kind.kind, namespace, name });
        return server.read<K>(kind.kind, namespace, name);
      },
      async patch<K extends KubernetesObject>(
        kind: ResourceKind,
        target: { namespace?: string; name: string; subresource?: 'status' },
        strategy: string,
        body: unknown,
      ) {
        server.receive({ verb: 'patch', kind: kind.kind, ...target, body });
        return server.patch<K>(kind.kind, target, strategy, body);
      },
      async create<K extends KubernetesObject>(
        kind: ResourceKind,
        target: { namespace?: string; name?: string; subresource?: string },
        body: KubernetesObject,
      ) {
        if (target.subresource === undefined) {
          const name = body.metadata?.name ?? '';
          server.receive({ verb: 'create', kind: kind.kind, namespace: target.namespace, name, body });
          return server.createObject<K>(kind.kind, target.namespace, body);
        }
        if (kind.kind !== 'ServiceAccount' || target.subresource !== 'token' || !target.name) {
          throw new Error(
            `the fake API server does not serve create of ${kind.plural}/${target.subresource}`,
          );
        }
        const { namespace, name } = target;
        server.receive({ verb: 'create', kind: kind.kind, namespace, name, subresource: 'token', body });
        return server.tokenRequest<K>(namespace, name, body);
      },
      async delete(kind: ResourceKind, target: { namespace?: string; name: string }) {
        server.receive({ verb: 'delete', kind: kind.kind, ...target });
        server.read<Stored>(kind.kind, target.namespace, target.name);
        server.objects.delete(keyOf(kind.kind, target.namespace, target.name));
        return { kind: 'Status', status: 'Success' };
      },
    };
    return new Proxy(client, {
      get(target, property) {
        if (property in target) return target[property as keyof typeof target];
        if (property === 'then') return undefined;
        return () => {
          throw new Error(`the fake API server does not serve KubeClient.${String(property)}`);
        };
      },
    }) as unknown as KubeClient;
  }

  private receive(request: ApiRequest): void {
    this.requests.push(request);
    this.beforeRequest?.(request);
  }

  /** A POST of a whole object: stored with a uid and a resourceVersion; 409 when it exists. */
  private createObject<K extends KubernetesObject>(
    kind: string,
    namespace: string | undefined,
    body: KubernetesObject,
  ): K {
    const name = body.metadata?.name ?? '';
    if (this.find(kind, namespace, name)) {
      throw apiError(409, 'AlreadyExists', `${kind} "${name}" already exists`);
    }
    const created = structuredClone(body) as Stored;
    created.metadata = {
      ...created.metadata,
      namespace,
      uid: `uid-${kind.toLowerCase()}-${name}-${this.version + 1}`,
      resourceVersion: this.nextVersion(),
    };
    this.objects.set(keyOf(kind, namespace, name), created);
    return structuredClone(created) as K;
  }

  /** The API server's TokenRequest: validated as it validates it, answered, stored nowhere. */
  private tokenRequest<K extends KubernetesObject>(
    namespace: string | undefined,
    name: string,
    body: KubernetesObject,
  ): K {
    this.read('ServiceAccount', namespace, name);
    const spec = (body as { spec?: { audiences?: string[]; expirationSeconds?: number } }).spec ?? {};
    if (body.kind !== 'TokenRequest' || body.apiVersion !== 'authentication.k8s.io/v1') {
      throw apiError(
        400,
        'BadRequest',
        `expected an authentication.k8s.io/v1 TokenRequest, got ${body.kind}`,
      );
    }
    const seconds = spec.expirationSeconds ?? 3600;
    if (seconds < 600) {
      throw apiError(
        422,
        'Invalid',
        'spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes',
      );
    }
    if ((spec.audiences ?? []).length === 0) {
      // The real server defaults to its own audiences; nothing the operator may rely on.
      throw apiError(422, 'Invalid', 'the fake API server wants spec.audiences');
    }
    this.tokens += 1;
    const issuedAt = this.now();
    return {
      ...structuredClone(body),
      status: {
        token: `fake-token-${this.tokens}-${namespace}-${name}`,
        expirationTimestamp: new Date(issuedAt + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    } as unknown as K;
  }

  private patch<K extends KubernetesObject>(
    kind: string,
    target: { namespace?: string; name: string; subresource?: 'status' },
    strategy: string,
    body: unknown,
  ): K {
    const key = keyOf(kind, target.namespace, target.name);
    const before = this.read<Stored>(kind, target.namespace, target.name);
    let patched: Stored;
    if (strategy === 'application/json-patch+json') {
      patched = applyJsonPatch(before, body as PatchOperation[]) as Stored;
    } else if (strategy === 'application/merge-patch+json') {
      const wanted = (body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      if (wanted !== undefined && wanted !== before.metadata?.resourceVersion) {
        throw apiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${kind} "${target.name}": the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      patched = mergePatch(before, body) as Stored;
    } else {
      throw apiError(415, 'UnsupportedMediaType', `the fake API server does not take ${strategy} patches`);
    }
    // The /status subresource takes only the status; the object itself takes everything else.
    const after: Stored =
      target.subresource === 'status'
        ? { ...structuredClone(before), status: patched.status }
        : { ...patched, status: structuredClone(before.status) };
    if (after.status === undefined) delete after.status;
    after.metadata = { ...after.metadata, resourceVersion: before.metadata?.resourceVersion };
    if (isDeepStrictEqual(after, before)) return structuredClone(before) as K;
    after.metadata.resourceVersion = this.nextVersion();
    const gone = Boolean(after.metadata.deletionTimestamp) && (after.metadata.finalizers ?? []).length === 0;
    if (gone) this.objects.delete(key);
    else this.objects.set(key, after);
    this.onWrite?.({ kind, ...target, before, after: gone ? undefined : structuredClone(after) });
    return structuredClone(after) as K;
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }
}

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function apiError(code: number, reason: string, message: string): ApiException<unknown> {
  return new ApiException(code, `HTTP ${code} ${message}`, { kind: 'Status', code, reason, message }, {});
}

/** RFC 7386 JSON Merge Patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const result: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** RFC 6902 add, remove, replace and test, all or nothing; anything else is refused. */
function applyJsonPatch(document: unknown, operations: PatchOperation[]): unknown {
  let result = structuredClone(document);
  for (const operation of operations) result = applyOperation(result, operation);
  return result;
}

function applyOperation(document: unknown, operation: PatchOperation): unknown {
  const tokens = parsePointer(operation.path);
  const last = tokens.at(-1);
  if (last === undefined) throw invalid(operation, 'the whole document cannot be patched here');
  const parent = resolve(document, tokens.slice(0, -1));
  switch (operation.op) {
    case 'test': {
      const current = parent === undefined ? undefined : member(parent, last);
      // As the API server's json-patch library: an absent member equals null.
      const matches =
        current === undefined ? operation.value === null : isDeepStrictEqual(current, operation.value);
      if (!matches) throw invalid(operation, `testing value ${operation.path} failed`);
      return document;
    }
    case 'add': {
      if (parent === undefined) throw invalid(operation, `missing path ${operation.path}`);
      if (Array.isArray(parent)) {
        const index = last === '-' ? parent.length : arrayIndex(parent, last, operation, true);
        parent.splice(index, 0, structuredClone(operation.value));
      } else (parent as Json)[last] = structuredClone(operation.value);
      return document;
    }
    case 'remove':
    case 'replace': {
      if (parent === undefined || member(parent, last) === undefined) {
        throw invalid(operation, `missing path ${operation.path}`);
      }
      if (Array.isArray(parent)) {
        const index = arrayIndex(parent, last, operation, false);
        if (operation.op === 'remove') parent.splice(index, 1);
        else parent[index] = structuredClone(operation.value);
      } else if (operation.op === 'remove') delete (parent as Json)[last];
      else (parent as Json)[last] = structuredClone(operation.value);
      return document;
    }
    default:
      throw invalid(operation, `the fake API server does not apply '${operation.op}'`);
  }
}

function parsePointer(path: string): string[] {
  if (!path.startsWith('/')) throw apiError(422, 'Invalid', `not a JSON pointer: '${path}'`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function resolve(document: unknown, tokens: string[]): unknown {
  let current = document;
  for (const token of tokens) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = member(current, token);
  }
  return typeof current === 'object' && current !== null ? current : undefined;
}

function member(parent: unknown, token: string): unknown {
  if (Array.isArray(parent)) return /^(0|[1-9]\d*)$/.test(token) ? parent[Number(token)] : undefined;
  return Object.hasOwn(parent as Json, token) ? (parent as Json)[token] : undefined;
}

function arrayIndex(array: unknown[], token: string, operation: PatchOperation, adding: boolean): number {
  const index = /^(0|[1-9]\d*)$/.test(token) ? Number(token) : Number.NaN;
  if (!(index >= 0 && index <= array.length - (adding ? 0 : 1))) {
    throw invalid(operation, `index ${token} out of range in ${operation.path}`);
  }
  return index;
}

function invalid(operation: PatchOperation, detail: string): ApiException<unknown> {
  return apiError(422, 'Invalid', `the JSON patch operation '${operation.op}' failed: ${detail}`);
}
