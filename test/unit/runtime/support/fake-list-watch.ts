// A scripted API server for one collection: the test decides what lists return and what each
// open watch delivers or how it ends.
import type { KubernetesObject } from '@kubernetes/client-node';
import type {
  ListPage,
  ListWatchClient,
  WatchEventType,
  WatchOptions,
} from '../../../../src/runtime/kube-client.ts';

export interface OpenWatch {
  namespace: string | undefined;
  resourceVersion: string;
  emit(type: WatchEventType, object: KubernetesObject): void;
  end(error?: unknown): void;
  aborted: boolean;
}

export class FakeListWatch implements ListWatchClient {
  readonly objects = new Map<string, KubernetesObject>();
  resourceVersion = 100;
  readonly lists: Array<string | undefined> = [];
  readonly watches: OpenWatch[] = [];
  /** Errors the next list calls throw, in order. */
  readonly listErrors: unknown[] = [];

  put(name: string, namespace = 'ns'): KubernetesObject {
    const object = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace, name, resourceVersion: String(++this.resourceVersion) },
    };
    this.objects.set(`${namespace}/${name}`, object);
    return object;
  }

  drop(name: string, namespace = 'ns'): KubernetesObject | undefined {
    const object = this.objects.get(`${namespace}/${name}`);
    this.objects.delete(`${namespace}/${name}`);
    this.resourceVersion++;
    return object;
  }

  get openWatch(): OpenWatch | undefined {
    return this.watches.filter((watch) => !watch.aborted).at(-1);
  }

  async list<K extends KubernetesObject>(
    _kind: unknown,
    namespace: string | undefined,
  ): Promise<ListPage<K>> {
    this.lists.push(namespace);
    const error = this.listErrors.shift();
    if (error) throw error;
    const items = [...this.objects.values()].filter((o) => !namespace || o.metadata?.namespace === namespace);
    return { items: structuredClone(items) as K[], resourceVersion: String(this.resourceVersion) };
  }

  async watch<K extends KubernetesObject>(
    _kind: unknown,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (type: WatchEventType, object: K) => void,
    onDone: (error: unknown) => void,
  ): Promise<() => void> {
    let finished = false;
    const watch: OpenWatch = {
      namespace,
      resourceVersion: options.resourceVersion,
      aborted: false,
      emit: (type, object) => {
        if (!finished) onEvent(type, structuredClone(object) as K);
      },
      end: (error) => {
        if (finished) return;
        finished = true;
        watch.aborted = true;
        onDone(error ?? null);
      },
    };
    this.watches.push(watch);
    return () => {
      watch.aborted = true;
      finished = true;
    };
  }
}

export function httpError(statusCode: number): Error {
  return Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });
}
