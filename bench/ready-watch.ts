// The bench's view of Ready: one watch per (namespace, kind), through the operator's own
// informer (src/runtime/informer.ts), caching of each object only its Ready condition. Polling
// a full list every second made the API server serialise — and the bench process, which also
// hosts the emulator, parse — every object every second: at 6,000 objects that cost more CPU
// than the operator itself and slowed every emulated ARM call (issue 27 item 1: "measured from a
// watch, not a 1 s poll"). A watch sends each change once, and its arrival time is when the
// object became Ready, not the next poll after.
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
  WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
} from '../src/controllers/resource-kinds.ts';
import { silentLogger } from '../src/observability/logger.ts';
import { Informer } from '../src/runtime/informer.ts';
import { KubeClient, type ResourceKind } from '../src/runtime/kube-client.ts';

export interface ReadyCount {
  ready: number;
  total: number;
  /** Ready's reason for objects that are not Ready yet (what a stuck run is waiting on). */
  notReadyReasons: Record<string, number>;
}

/** What the bench keeps of an object: its key and its Ready condition. */
interface ReadyView extends KubernetesObject {
  ready: boolean;
  reason: string;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
}

/** The Ready view of a stored object (pure; exported for tests). */
export function readyViewOf(object: KubernetesObject & { status?: { conditions?: Condition[] } }) {
  const ready = object.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace },
    ready: ready?.status === 'True',
    reason: ready?.status === 'True' ? '' : (ready?.reason ?? 'NoStatusYet'),
  } satisfies ReadyView;
}

/** Counts a cache's objects by Ready (pure). */
export function countReadyViews(views: readonly Pick<ReadyView, 'ready' | 'reason'>[]): ReadyCount {
  const count: ReadyCount = { ready: 0, total: views.length, notReadyReasons: {} };
  for (const view of views) {
    if (view.ready) count.ready++;
    else count.notReadyReasons[view.reason] = (count.notReadyReasons[view.reason] ?? 0) + 1;
  }
  return count;
}

export type BenchPlural = 'logicappworkflows' | 'vaultsecretbindings' | 'workflowroleassignments';

const KINDS: Record<BenchPlural, ResourceKind> = {
  logicappworkflows: LOGIC_APP_WORKFLOW_RESOURCE,
  vaultsecretbindings: VAULT_SECRET_BINDING_RESOURCE,
  workflowroleassignments: WORKFLOW_ROLE_ASSIGNMENT_RESOURCE,
};

/** Where the convergence loop reads Ready counts and Ready times from. */
export interface ReadySource {
  count(namespace: string, plural: BenchPlural): ReadyCount;
  /**
   * When (performance.now()) the last object of the namespace became Ready, all being Ready now;
   * with `plural`, the last object of that kind.
   */
  lastBecameReadyAt(namespace: string, plural?: BenchPlural): number | undefined;
}

export class ReadyWatch implements ReadySource {
  readonly #informers = new Map<BenchPlural, Informer<ReadyView>>();
  /** Per namespace: object key → performance.now() of its latest turn to Ready. */
  readonly #readyAt = new Map<string, Map<string, number>>();

  constructor(kubeConfig: KubeConfig, namespaces: readonly string[]) {
    const client = new KubeClient(kubeConfig);
    for (const [plural, kind] of Object.entries(KINDS) as Array<[BenchPlural, ResourceKind]>) {
      const informer = new Informer<ReadyView>({
        client,
        kind,
        namespaces,
        logger: silentLogger(),
        transform: (object) => readyViewOf(object),
      });
      informer.subscribe((event) => this.#note(plural, event.object, event.type === 'deleted'));
      this.#informers.set(plural, informer);
    }
  }

  async start(signal?: AbortSignal): Promise<void> {
    for (const informer of this.#informers.values()) informer.start();
    await Promise.all([...this.#informers.values()].map((informer) => informer.waitForSync(signal)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((informer) => informer.stop()));
  }

  count(namespace: string, plural: BenchPlural): ReadyCount {
    const views = this.#informers
      .get(plural)
      ?.list()
      .filter((view) => view.metadata?.namespace === namespace);
    return countReadyViews(views ?? []);
  }

  lastBecameReadyAt(namespace: string, plural?: BenchPlural): number | undefined {
    const times = this.#readyAt.get(namespace);
    if (!times) return undefined;
    const of = [...times].filter(([key]) => plural === undefined || key.startsWith(`${plural}/`));
    if (of.length === 0) return undefined;
    return Math.max(...of.map(([, at]) => at));
  }

  #note(plural: BenchPlural, view: Readonly<ReadyView>, deleted: boolean): void {
    const namespace = view.metadata?.namespace;
    if (!namespace) return;
    const times = this.#readyAt.get(namespace) ?? new Map<string, number>();
    this.#readyAt.set(namespace, times);
    const key = `${plural}/${view.metadata?.name}`;
    if (view.ready && !deleted) {
      if (!times.has(key)) times.set(key, performance.now());
    } else times.delete(key);
  }
}
