import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.ts';
import { ObjectStore, StringPool } from '../../../src/runtime/object-store.ts';

interface Workflow extends KubernetesObject {
  spec: { definition: { $schema: string; actions: Array<{ type: string; uri: string }> } };
}

function workflow(name: string, resourceVersion = '1'): Workflow {
  // A fresh parse per object, as from the watch: equal strings, separate copies.
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'logicops.io/v1alpha1',
      kind: 'LogicAppWorkflow',
      metadata: { namespace: 'team-a', name, uid: `uid-${name}`, resourceVersion },
      spec: {
        definition: {
          $schema:
            'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
          actions: [{ type: 'Http', uri: "@parameters('partnerEndpoint')" }],
        },
      },
    }),
  ) as Workflow;
}

describe('StringPool', () => {
  it('hands back an equal string and remembers each distinct one once', () => {
    const pool = new StringPool();
    expect(pool.intern('team-a')).toBe('team-a');
    expect(pool.intern(['team', 'a'].join('-'))).toBe('team-a');
    expect(pool.size).toBe(1);
  });

  it('leaves strings longer than its limit out', () => {
    const pool = new StringPool(10, 4);
    expect(pool.intern('longer')).toBe('longer');
    expect(pool.size).toBe(0);
  });

  it('starts over when full, so unique strings cannot pile up', () => {
    const pool = new StringPool(3);
    for (const value of ['a', 'b', 'c']) pool.intern(value);
    expect(pool.size).toBe(3);
    expect(pool.intern('d')).toBe('d');
    expect(pool.size).toBe(1);
    expect(pool.intern('a')).toBe('a');
    expect(pool.size).toBe(2);
  });
});

describe('ObjectStore', () => {
  it('caches objects unchanged in value and frozen all the way down', () => {
    const store = new ObjectStore<Workflow>(silentLogger());
    for (const name of ['one', 'two']) store.upsert(workflow(name));
    const cached = store.get('team-a/two');
    expect(cached).toEqual(workflow('two'));
    expect(Object.isFrozen(cached)).toBe(true);
    expect(Object.isFrozen(cached?.metadata)).toBe(true);
    expect(Object.isFrozen(cached?.spec.definition.actions[0])).toBe(true);
    expect(() => {
      (cached?.spec.definition.actions[0] as { uri: string }).uri = 'changed';
    }).toThrow(TypeError);
  });

  it('accepts an object with a read-only string property, keeping its value', () => {
    const store = new ObjectStore<Workflow>(silentLogger());
    const object = workflow('one');
    Object.defineProperty(object.spec.definition, '$schema', { value: 'fixed', writable: false });
    store.upsert(object);
    expect(store.get('team-a/one')?.spec.definition.$schema).toBe('fixed');
  });

  it('still tells updates from repeats by resourceVersion', () => {
    const store = new ObjectStore<Workflow>(silentLogger());
    const events: string[] = [];
    store.subscribe((event) => events.push(event.type));
    store.upsert(workflow('one', '1'));
    store.upsert(workflow('one', '1'));
    store.upsert(workflow('one', '2'));
    expect(events).toEqual(['added', 'updated']);
  });
});
