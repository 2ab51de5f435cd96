// The operator's records namespace in memory, for reconcile-level tests: a writer that stores
// the ConfigMaps OperatorRecords applies and deletes, and a cache over them that hears of each
// write at once (or only on `deliver()` with `lagging: true`, as an informer behind the API
// server would). Grant and identity writes are appended to a journal shared with the fake
// Azure, so tests can assert the order of record and Azure writes.
import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  OperatorRecords,
  type RecordWriter,
} from '../../../../../src/controllers/shared/records/operator-records.ts';
import {
  parseRecordConfigMap,
  type RecordConfigMap,
  type RecordedObject,
  type RecordKind,
  type RecordPayloads,
  recordConfigMap,
} from '../../../../../src/controllers/shared/records/record-configmap.ts';
import {
  type CacheEvent,
  type CacheEventHandler,
  keyOf,
  type WatchedSource,
} from '../../../../../src/runtime/index.ts';

export const RECORDS_NAMESPACE = 'logicops-system';

export class MemoryRecords implements WatchedSource<RecordConfigMap> {
  /** What the API server holds. */
  readonly stored = new Map<string, V1ConfigMap>();
  /** What the cache holds. */
  private readonly cached = new Map<string, RecordConfigMap>();
  private readonly handlers = new Set<CacheEventHandler<RecordConfigMap>>();
  readonly reportsEveryChange = true;
  private readonly undelivered: Array<() => void> = [];
  private version = 1;
  readonly records: OperatorRecords;
  readonly hasSynced = true;
  /** Writes received (each is one API call). */
  writes = 0;
  /** Set to make the next write matching it fail (the operator killed before it). */
  failWrite?: (configMap: V1ConfigMap | undefined) => boolean;

  constructor(
    private readonly journal: string[] = [],
    private readonly options: { lagging?: boolean } = {},
  ) {
    const writer: RecordWriter = {
      apply: async (_kind, target, body) => this.apply(target.name, body as V1ConfigMap) as never,
      delete: async (_kind, target) => this.delete(target.name),
    };
    this.records = new OperatorRecords(this, writer, RECORDS_NAMESPACE);
  }

  /** A record as if written by an earlier operator process (already in the cache). */
  seed<R extends RecordKind>(kind: R, object: RecordedObject, payload: RecordPayloads[R]): void {
    const configMap = recordConfigMap(RECORDS_NAMESPACE, kind, object, payload);
    configMap.metadata = { ...configMap.metadata, resourceVersion: String(this.version++) };
    this.stored.set(configMap.metadata.name ?? '', configMap);
    this.cache(configMap);
  }

  /** The payload stored for an object (what the API server holds, whatever the cache says). */
  payload<R extends RecordKind>(kind: R, namespace: string, name: string): RecordPayloads[R] | undefined {
    for (const configMap of this.stored.values()) {
      const parsed = parseRecordConfigMap(configMap).record;
      if (parsed?.kind === kind && parsed.object.namespace === namespace && parsed.object.name === name) {
        return parsed.payload as RecordPayloads[R];
      }
    }
    return undefined;
  }

  /** Lets the cache hear of the writes held back (`lagging`). */
  deliver(): void {
    for (const event of this.undelivered.splice(0)) event();
  }

  get(key: string) {
    return this.cached.get(key);
  }
  list() {
    return [...this.cached.values()];
  }
  keys() {
    return [...this.cached.keys()];
  }
  subscribe(handler: CacheEventHandler<RecordConfigMap>) {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
  async waitForSync() {}

  private apply(name: string, body: V1ConfigMap): V1ConfigMap {
    this.writes += 1;
    if (this.failWrite?.(body)) {
      this.failWrite = undefined;
      throw new Error('the operator was killed before this record write');
    }
    const stored: V1ConfigMap = structuredClone(body);
    stored.metadata = { ...stored.metadata, resourceVersion: String(this.version++) };
    this.stored.set(name, stored);
    this.note(stored, 'written');
    this.later(() => this.cache(stored));
    return structuredClone(stored);
  }

  private delete(name: string): void {
    this.writes += 1;
    const stored = this.stored.get(name);
    if (this.failWrite?.(undefined)) {
      this.failWrite = undefined;
      throw new Error('the operator was killed before this record delete');
    }
    if (!stored) throw Object.assign(new Error('not found'), { code: 404 });
    this.stored.delete(name);
    this.note(stored, 'removed');
    this.later(() => {
      const key = keyOf(stored);
      const previous = this.cached.get(key);
      this.cached.delete(key);
      if (previous) this.emit({ type: 'deleted', object: previous });
    });
  }

  private note(configMap: V1ConfigMap, what: 'written' | 'removed'): void {
    const parsed = parseRecordConfigMap(configMap).record;
    if (parsed?.kind === 'grant' || parsed?.kind === 'role-grant') {
      const phase = (parsed.payload as RecordPayloads['grant' | 'role-grant']).phase;
      this.journal.push(what === 'removed' ? 'ledger:cleared' : `ledger:${phase}`);
    } else if (parsed?.kind === 'identity') {
      const principal = (parsed.payload as RecordPayloads['identity']).principalId;
      this.journal.push(what === 'removed' ? 'identity:withdrawn' : `identity:${principal}`);
    }
  }

  private cache(configMap: V1ConfigMap): void {
    const parsed = parseRecordConfigMap(configMap);
    const key = keyOf(parsed);
    const previous = this.cached.get(key);
    this.cached.set(key, parsed);
    this.emit(previous ? { type: 'updated', object: parsed, previous } : { type: 'added', object: parsed });
  }

  private later(event: () => void): void {
    if (this.options.lagging) this.undelivered.push(event);
    else event();
  }

  private emit(event: CacheEvent<RecordConfigMap>): void {
    for (const handler of this.handlers) handler(event);
  }
}
