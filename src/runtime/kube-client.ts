// A small, kind-generic REST client for what the runtime needs: list (paged), watch, get,
// patch (including the status subresource), apply, create (including a subresource's, such as a
// ServiceAccount's token) and delete, for core kinds and custom resources alike.
//
// Why not the generated APIs: CustomObjectsApi cannot address the core group, and
// KubernetesObjectApi deserialises known kinds into model classes (Date objects), while a
// watch yields plain JSON; one cache must not hold both shapes. So every request here goes
// through client-node's own request pipeline (auth, TLS, middleware) and comes back as plain
// JSON. List and watch paths are built from the same `ResourceKind` + scope, so they always
// describe the same collection (style-anchors §7 pitfall 11).
import {
  ApiException,
  type Configuration,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';

export interface ResourceKind {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const FIELD_MANAGER = 'logicops';

export interface ListPage<K> {
  items: K[];
  resourceVersion: string;
  continueToken?: string;
}

export interface ListOptions {
  labelSelector?: string;
  limit?: number;
  continueToken?: string;
  /** Ask for metadata only (PartialObjectMetadataList): no spec, data or status crosses the wire. */
  metadataOnly?: boolean;
}

export interface WatchOptions {
  labelSelector?: string;
  resourceVersion: string;
  /** Asked of the server; it ends the watch cleanly after this long. */
  timeoutSeconds?: number;
  /** Ask for metadata only: each event carries a PartialObjectMetadata. */
  metadataOnly?: boolean;
}

/**
 * The API server's metadata-only representations (what client-go's metadata informer asks
 * for): the object's metadata, whatever its kind and size.
 */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/** What the server sent on a watch: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export function apiVersionOf(kind: ResourceKind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** `/api/v1/namespaces/ns/configmaps/name/status`, `/apis/g/v/plural`, … */
export function resourcePath(
  kind: ResourceKind,
  at: { namespace?: string; name?: string; subresource?: string } = {},
): string {
  const root = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  const namespace = kind.namespaced && at.namespace ? `/namespaces/${encodeURIComponent(at.namespace)}` : '';
  const name = at.name ? `/${encodeURIComponent(at.name)}` : '';
  const subresource = at.name && at.subresource ? `/${at.subresource}` : '';
  return `${root}${namespace}/${kind.plural}${name}${subresource}`;
}

// Requests go through client-node's own pipeline (auth, TLS agent, middleware) via the
// Configuration that `KubeConfig.makeApiClient` builds, but the JSON body is parsed here:
// client-node's response processing renames and drops fields (a list's `metadata.continue`
// disappears), which silently broke paging.
class RawRequests {
  constructor(private readonly configuration: Configuration) {}

  async send<T>(
    method: HttpMethod,
    path: string,
    query: Record<string, string | undefined> = {},
    body?: { contentType: string; value: unknown },
    accept = 'application/json',
  ): Promise<T> {
    let request = this.configuration.baseServer.makeRequestContext(path, method);
    request.setHeaderParam('Accept', accept);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) request.setQueryParam(name, value);
    }
    if (body) {
      request.setHeaderParam('Content-Type', body.contentType);
      request.setBody(JSON.stringify(body.value));
    }
    await this.configuration.authMethods.default?.applySecurityAuthentication(request);
    for (const middleware of this.configuration.middleware)
      request = await middleware.pre(request).toPromise();
    let response = await this.configuration.httpApi.send(request).toPromise();
    for (const middleware of this.configuration.middleware)
      response = await middleware.post(response).toPromise();
    const text = await response.body.text();
    const parsed = parseJson(text);
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return parsed as T;
    const reason = (parsed as { message?: string } | undefined)?.message ?? text.slice(0, 200);
    throw new ApiException(
      response.httpStatusCode,
      `${method} ${path}: HTTP ${response.httpStatusCode} ${reason}`,
      parsed,
      response.headers,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The part of KubeClient an informer needs (a fake in unit tests). */
export type ListWatchClient = Pick<KubeClient, 'list' | 'watch'>;

export class KubeClient {
  private readonly raw: RawRequests;
  private readonly watcher: Watch;
  private readonly metadataWatcher: Watch;

  constructor(readonly kubeConfig: KubeConfig) {
    this.raw = kubeConfig.makeApiClient(RawRequests);
    this.watcher = new Watch(kubeConfig);
    this.metadataWatcher = new Watch(withAcceptHeader(kubeConfig, METADATA_ACCEPT));
  }

  async list<K extends KubernetesObject>(
    kind: ResourceKind,
    namespace: string | undefined,
    options: ListOptions = {},
  ): Promise<ListPage<K>> {
    const response = await this.raw.send<{
      items?: K[];
      metadata?: { resourceVersion?: string; continue?: string };
    }>(
      HttpMethod.GET,
      resourcePath(kind, { namespace }),
      {
        labelSelector: options.labelSelector,
        limit: options.limit?.toString(),
        continue: options.continueToken,
      },
      undefined,
      options.metadataOnly ? METADATA_LIST_ACCEPT : undefined,
    );
    // Items of a list carry no apiVersion/kind; give them back so cached objects are complete.
    // (Metadata-only items say what they are: PartialObjectMetadata.)
    const items = options.metadataOnly
      ? (response.items ?? [])
      : (response.items ?? []).map((item) => ({
          ...item,
          apiVersion: apiVersionOf(kind),
          kind: kind.kind,
        }));
    return {
      items,
      resourceVersion: response.metadata?.resourceVersion ?? '',
      continueToken: response.metadata?.continue || undefined,
    };
  }

  /**
   * Opens a watch. `onEvent` receives every line the server sends; `onDone` is called exactly
   * once when the stream ends, with the error if any (HTTP errors carry `statusCode`, a quiet
   * stream aborts with a `TimeoutError` after client-node's 30 s inactivity timer).
   * Returns a function that ends the watch.
   */
  async watch<K extends KubernetesObject>(
    kind: ResourceKind,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (type: WatchEventType, object: K) => void,
    onDone: (error: unknown) => void,
  ): Promise<() => void> {
    const watcher = options.metadataOnly ? this.metadataWatcher : this.watcher;
    const controller = await watcher.watch(
      resourcePath(kind, { namespace }),
      {
        resourceVersion: options.resourceVersion,
        allowWatchBookmarks: true,
        labelSelector: options.labelSelector,
        timeoutSeconds: options.timeoutSeconds,
      },
      (type: string, object: K) => onEvent(type as WatchEventType, object),
      onDone,
    );
    return () => controller.abort();
  }

  get<K extends KubernetesObject>(
    kind: ResourceKind,
    namespace: string | undefined,
    name: string,
  ): Promise<K> {
    return this.raw.send<K>(HttpMethod.GET, resourcePath(kind, { namespace, name }));
  }

  /** A patch with an explicit content type (never a library default; pitfall 14) and our field manager. */
  patch<K extends KubernetesObject>(
    kind: ResourceKind,
    target: { namespace?: string; name: string; subresource?: 'status' },
    strategy: typeof PatchStrategy.MergePatch | typeof PatchStrategy.JsonPatch,
    body: unknown,
  ): Promise<K> {
    return this.raw.send<K>(
      HttpMethod.PATCH,
      resourcePath(kind, target),
      { fieldManager: FIELD_MANAGER },
      { contentType: strategy, value: body },
    );
  }

  /**
   * Server-side apply of a whole object we alone own (create or update in one request, no
   * resourceVersion needed): `force` takes fields over from any other manager.
   */
  apply<K extends KubernetesObject>(
    kind: ResourceKind,
    target: { namespace?: string; name: string },
    body: K,
  ): Promise<K> {
    return this.raw.send<K>(
      HttpMethod.PATCH,
      resourcePath(kind, target),
      { fieldManager: FIELD_MANAGER, force: 'true' },
      // JSON is YAML: the apply content type takes it as it is.
      { contentType: APPLY_PATCH_CONTENT_TYPE, value: body },
    );
  }

  /**
   * POST: creates an object, or — with `name` and `subresource` — asks a subresource that
   * answers a create (`serviceaccounts/{name}/token`: a TokenRequest, which the API server
   * returns signed and stores nowhere).
   */
  create<K extends KubernetesObject>(
    kind: ResourceKind,
    target: { namespace?: string; name?: string; subresource?: string },
    body: KubernetesObject,
  ): Promise<K> {
    return this.raw.send<K>(
      HttpMethod.POST,
      resourcePath(kind, target),
      { fieldManager: FIELD_MANAGER },
      { contentType: 'application/json', value: body },
    );
  }

  /** Deletes one object; NotFound is the caller's to judge (isNotFound). */
  delete(kind: ResourceKind, target: { namespace?: string; name: string }): Promise<unknown> {
    return this.raw.send(HttpMethod.DELETE, resourcePath(kind, target));
  }
}

export const APPLY_PATCH_CONTENT_TYPE = 'application/apply-patch+yaml';

/**
 * The same KubeConfig (cluster, credentials, shared connections), with `accept` as the Accept
 * header of every request authenticated through it: client-node's Watch takes no headers, and
 * asks only `getCurrentCluster` and `applySecurityAuthentication` of its config.
 */
function withAcceptHeader(kubeConfig: KubeConfig, accept: string): KubeConfig {
  const view = Object.create(kubeConfig) as KubeConfig;
  view.applySecurityAuthentication = async (context) => {
    await kubeConfig.applySecurityAuthentication(context);
    context.setHeaderParam('Accept', accept);
  };
  return view;
}

export { PatchStrategy };
