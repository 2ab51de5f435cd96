// A secondary index over a cache (client-go's Indexer, for our WatchedSource): objects by a value
// computed from each, kept current from the cache's own events. Questions like "the bindings of
// this workflow" or "the bindings on this vault" were answered by filtering the whole cache, once
// per event or reconcile: O(objects) each, O(objects²) over a run, the largest CPU cost of the
// operator at a few thousand objects (docs/benchmark.md, issue 27). An index answers in O(answer).
//
// `indexOf` memoises one index per (cache, name): every caller asking for the same index of the
// same cache shares it, and a cache nobody indexes costs nothing.
import type { KubernetesObject } from '@kubernetes/client-node';
import { keyOf } from './object-key.ts';
import type { WatchedSource } from './object-store.ts';

/** Objects by an index value. */
export interface IndexedLookup<K> {
  /** The objects filed under `value` (a fresh array; the objects are the cache's own, frozen). */
  get(value: string): Readonly<K>[];
}

export class CacheIndex<K extends KubernetesObject> implements IndexedLookup<K> {
  /** Index value → object key → object. */
  readonly #byValue = new Map<string, Map<string, Readonly<K>>>();
  /** Object key → the values it is filed under (to unfile it on update and delete). */
  readonly #filedUnder = new Map<string, readonly string[]>();

  constructor(
    source: WatchedSource<K>,
    private readonly valuesOf: (object: Readonly<K>) => readonly string[],
  ) {
    // Subscribe first, then file what is there: an event in between is filed twice, harmlessly.
    source.subscribe((event) => {
      if (event.type === 'deleted') this.#unfile(keyOf(event.object));
      else this.#file(event.object);
    });
    for (const object of source.list()) this.#file(object);
  }

  get(value: string): Readonly<K>[] {
    const filed = this.#byValue.get(value);
    return filed ? [...filed.values()] : [];
  }

  #file(object: Readonly<K>): void {
    const key = keyOf(object);
    this.#unfile(key);
    const values = [...new Set(this.valuesOf(object))];
    for (const value of values) {
      let filed = this.#byValue.get(value);
      if (!filed) {
        filed = new Map();
        this.#byValue.set(value, filed);
      }
      filed.set(key, object);
    }
    if (values.length > 0) this.#filedUnder.set(key, values);
  }

  #unfile(key: string): void {
    for (const value of this.#filedUnder.get(key) ?? []) {
      const filed = this.#byValue.get(value);
      filed?.delete(key);
      if (filed?.size === 0) this.#byValue.delete(value);
    }
    this.#filedUnder.delete(key);
  }
}

/** The same answers by filtering: for a source whose events do not report every change. */
class ScanningLookup<K extends KubernetesObject> implements IndexedLookup<K> {
  constructor(
    private readonly source: WatchedSource<K>,
    private readonly valuesOf: (object: Readonly<K>) => readonly string[],
  ) {}
  get(value: string): Readonly<K>[] {
    return this.source.list().filter((object) => this.valuesOf(object).includes(value));
  }
}

const indexes = new WeakMap<object, Map<string, IndexedLookup<KubernetesObject>>>();

/**
 * The index `name` of `source`, made on first use with `valuesOf`. One name, one function: a
 * second caller's `valuesOf` is not used, so define each index once (a named export) and call that.
 */
export function indexOf<K extends KubernetesObject>(
  source: WatchedSource<K>,
  name: string,
  valuesOf: (object: Readonly<K>) => readonly string[],
): IndexedLookup<K> {
  if (!source.reportsEveryChange) return new ScanningLookup(source, valuesOf);
  let ofSource = indexes.get(source);
  if (!ofSource) {
    ofSource = new Map();
    indexes.set(source, ofSource);
  }
  let index = ofSource.get(name) as IndexedLookup<K> | undefined;
  if (!index) {
    index = new CacheIndex(source, valuesOf);
    ofSource.set(name, index as unknown as IndexedLookup<KubernetesObject>);
  }
  return index;
}
