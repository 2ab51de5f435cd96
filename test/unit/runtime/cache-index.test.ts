import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { CacheIndex, indexOf } from '../../../src/runtime/cache-index.ts';
import { ObjectStore } from '../../../src/runtime/object-store.ts';

interface Binding extends KubernetesObject {
  spec: { workflow: string; vaults: string[] };
}

let version = 0;
const binding = (name: string, workflow: string, vaults: string[] = []): Binding => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { namespace: 'ns', name, resourceVersion: String(++version) },
  spec: { workflow, vaults },
});
const names = (objects: readonly KubernetesObject[]) => objects.map((o) => o.metadata?.name).sort();

describe('CacheIndex', () => {
  it('files what the cache held before it was made, and what arrives after', () => {
    const store = new ObjectStore<Binding>(silentLogger());
    store.upsert(binding('a', 'w1'));
    const index = new CacheIndex(store, (b) => [b.spec.workflow]);
    store.upsert(binding('b', 'w1'));
    store.upsert(binding('c', 'w2'));
    expect(names(index.get('w1'))).toEqual(['a', 'b']);
    expect(names(index.get('w2'))).toEqual(['c']);
    expect(index.get('w3')).toEqual([]);
  });

  it('moves an updated object to its new value and forgets a deleted one', () => {
    const store = new ObjectStore<Binding>(silentLogger());
    const index = new CacheIndex(store, (b) => [b.spec.workflow]);
    store.upsert(binding('a', 'w1'));
    store.upsert(binding('a', 'w2'));
    expect(index.get('w1')).toEqual([]);
    expect(names(index.get('w2'))).toEqual(['a']);
    store.remove(binding('a', 'w2'));
    expect(index.get('w2')).toEqual([]);
  });

  it('files an object under each of several values, once per value', () => {
    const store = new ObjectStore<Binding>(silentLogger());
    const index = new CacheIndex(store, (b) => b.spec.vaults);
    store.upsert(binding('a', 'w', ['v1', 'v2', 'v1']));
    expect(names(index.get('v1'))).toEqual(['a']);
    expect(names(index.get('v2'))).toEqual(['a']);
  });

  it('sees what a relist drops (a delete missed during a watch outage)', () => {
    const store = new ObjectStore<Binding>(silentLogger());
    const index = new CacheIndex(store, (b) => [b.spec.workflow]);
    store.upsert(binding('a', 'w1'));
    store.upsert(binding('b', 'w1'));
    store.replaceScope(() => true, [binding('b', 'w1')]);
    expect(names(index.get('w1'))).toEqual(['b']);
  });
});

describe('indexOf', () => {
  it('filters a source whose events do not report every change (a view over something else)', () => {
    const objects: Binding[] = [binding('a', 'w1')];
    const view = {
      hasSynced: true,
      get: (key: string) => objects.find((o) => `ns/${o.metadata?.name}` === key),
      list: () => [...objects],
      keys: () => objects.map((o) => `ns/${o.metadata?.name}`),
      subscribe: () => () => undefined,
      waitForSync: async () => undefined,
    };
    const lookup = indexOf(view, 'workflow', (b) => [b.spec.workflow]);
    objects.push(binding('b', 'w1'));
    expect(names(lookup.get('w1'))).toEqual(['a', 'b']);
  });

  it('makes one index per cache and name, shared by every caller', () => {
    const store = new ObjectStore<Binding>(silentLogger());
    const other = new ObjectStore<Binding>(silentLogger());
    const byWorkflow = (b: Readonly<Binding>) => [b.spec.workflow];
    expect(indexOf(store, 'workflow', byWorkflow)).toBe(indexOf(store, 'workflow', byWorkflow));
    expect(indexOf(other, 'workflow', byWorkflow)).not.toBe(indexOf(store, 'workflow', byWorkflow));
    expect(indexOf(store, 'vault', (b) => b.spec.vaults)).not.toBe(indexOf(store, 'workflow', byWorkflow));
  });
});
