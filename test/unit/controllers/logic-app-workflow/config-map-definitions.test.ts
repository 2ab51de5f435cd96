import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  ConfigMapDefinitions,
  judgeDefinitionText,
} from '../../../../src/controllers/logic-app-workflow/config-map-definitions.ts';
import { DEFINITION_LIMITS } from '../../../../src/controllers/logic-app-workflow/spec-limits.ts';
import { metadataStub } from '../../../../src/controllers/shared/lean-cache.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { silentLogger } from '../../../../src/observability/logger.ts';
import { ObjectStore } from '../../../../src/runtime/index.ts';

const NS = 'team-a';
const REF = { name: 'cm', key: 'wf.json' };

describe('judgeDefinitionText: a ConfigMap value against the definition limits, before any parse', () => {
  const limit = DEFINITION_LIMITS;
  it.each([
    ['a small definition', '{"actions":{}}', { kind: 'text' }],
    ['text that is not JSON (left to JSON.parse)', '{ not json', { kind: 'text' }],
    ['exactly the byte limit', `{"x":"${'a'.repeat(limit.bytes - 8)}"}`, { kind: 'text' }],
    [
      'one byte over, counted as UTF-8',
      `{"x":"${'é'.repeat((limit.bytes - 8) / 2)}a"}`,
      {
        kind: 'overLimit',
        message: expect.stringContaining('is 262,145 bytes of JSON (the limit is 262,144)'),
      },
    ],
    [
      'one value over',
      `[${new Array(limit.values).fill('0').join(',')}]`,
      {
        kind: 'overLimit',
        message: expect.stringContaining('holds 10,001 JSON values (the limit is 10,000)'),
      },
    ],
    ['exactly the depth limit', `${'['.repeat(limit.depth)}${']'.repeat(limit.depth)}`, { kind: 'text' }],
    [
      '3,000 levels deep',
      `${'{"a":'.repeat(2_999)}{}${'}'.repeat(2_999)}`,
      {
        kind: 'overLimit',
        message: expect.stringMatching(
          /^ConfigMap team-a\/cm key 'wf\.json' is nested 3,000 levels deep \(the limit is 64\)\. .*update the ConfigMap\.$/,
        ),
      },
    ],
  ] as const)('%s', (_name, text, expected) => {
    expect(judgeDefinitionText(text, NS, REF)).toMatchObject(expected);
  });

  it('reports a missing key as missing', () => {
    expect(judgeDefinitionText(undefined, NS, REF)).toEqual({
      kind: 'missing',
      what: "has no key 'wf.json'",
    });
  });
});

/** The API server's ConfigMaps behind a GET that counts, and the metadata cache a watch would fill. */
class ConfigMapWorld {
  readonly gets: string[] = [];
  readonly served = new Map<string, V1ConfigMap>();
  readonly stubs = new ObjectStore<KubernetesObject>(silentLogger());
  readonly workflows = new ObjectStore<LogicAppWorkflow>(silentLogger());
  private version = 1;

  kube = {
    get: async <K>(_kind: unknown, namespace: string | undefined, name: string): Promise<K> => {
      this.gets.push(name);
      const found = this.served.get(`${namespace}/${name}`);
      if (!found) throw Object.assign(new Error('not found'), { code: 404 });
      return structuredClone(found) as K;
    },
  };

  putConfigMap(name: string, data: Record<string, string>): void {
    const configMap: V1ConfigMap = {
      metadata: { name, namespace: NS, resourceVersion: String(++this.version) },
      data,
    };
    this.served.set(`${NS}/${name}`, configMap);
    this.stubs.upsert(metadataStub(configMap));
  }

  deleteConfigMap(name: string): void {
    const configMap = this.served.get(`${NS}/${name}`);
    this.served.delete(`${NS}/${name}`);
    if (configMap) this.stubs.remove(metadataStub(configMap));
  }

  putWorkflow(name: string, configMap: string | undefined): void {
    this.workflows.upsert({
      apiVersion: 'logicops.io/v1alpha1',
      kind: 'LogicAppWorkflow',
      metadata: { name, namespace: NS, resourceVersion: String(++this.version) },
      spec: {
        ...(configMap ? { definitionFrom: { configMapKeyRef: { name: configMap, key: 'wf.json' } } } : {}),
      } as LogicAppWorkflow['spec'],
    });
  }

  deleteWorkflow(name: string): void {
    const workflow = this.workflows.get(`${NS}/${name}`);
    if (workflow) this.workflows.remove(workflow as LogicAppWorkflow);
  }

  definitions(): ConfigMapDefinitions {
    return new ConfigMapDefinitions({ kube: this.kube, configMaps: this.stubs, workflows: this.workflows });
  }
}

describe('ConfigMapDefinitions: a GET per referenced ConfigMap, kept per resourceVersion', () => {
  it('reads once per resourceVersion, and again after the ConfigMap changes', async () => {
    const world = new ConfigMapWorld();
    world.putConfigMap('cm', { 'wf.json': '{"v":1}' });
    world.putWorkflow('wf', 'cm');
    const definitions = world.definitions();
    expect(await definitions.read(NS, REF)).toEqual({ kind: 'text', text: '{"v":1}' });
    expect(await definitions.read(NS, REF)).toEqual({ kind: 'text', text: '{"v":1}' });
    expect(world.gets).toEqual(['cm']);

    world.putConfigMap('cm', { 'wf.json': '{"v":2}' });
    expect(definitions.rememberedConfigMaps()).toEqual([]);
    expect(await definitions.read(NS, REF)).toEqual({ kind: 'text', text: '{"v":2}' });
    expect(world.gets).toEqual(['cm', 'cm']);
  });

  it('does not ask the API server for a ConfigMap the watch has not seen', async () => {
    const world = new ConfigMapWorld();
    world.putWorkflow('wf', 'cm');
    expect(await world.definitions().read(NS, REF)).toEqual({ kind: 'missing', what: 'does not exist' });
    expect(world.gets).toEqual([]);
  });

  it('keeps only the verdict of a value over the limits, not the value', async () => {
    const world = new ConfigMapWorld();
    world.putConfigMap('cm', { 'wf.json': `{"x":"${'a'.repeat(DEFINITION_LIMITS.bytes)}"}` });
    world.putWorkflow('wf', 'cm');
    const definitions = world.definitions();
    const first = await definitions.read(NS, REF);
    expect(first).toMatchObject({ kind: 'overLimit' });
    expect(JSON.stringify(first).length).toBeLessThan(1_000);
    expect(await definitions.read(NS, REF)).toEqual(first);
    expect(world.gets).toEqual(['cm']);
  });

  it('forgets a ConfigMap once it is deleted, or once no workflow references it', async () => {
    const world = new ConfigMapWorld();
    world.putConfigMap('cm', { 'wf.json': '{}' });
    world.putConfigMap('other', { 'wf.json': '{}' });
    world.putWorkflow('wf', 'cm');
    world.putWorkflow('wf2', 'other');
    const definitions = world.definitions();
    await definitions.read(NS, REF);
    await definitions.read(NS, { ...REF, name: 'other' });
    expect(definitions.rememberedConfigMaps()).toEqual([`${NS}/cm`, `${NS}/other`]);

    world.putWorkflow('wf2', undefined); // now inline: 'other' is referenced by nobody
    expect(definitions.rememberedConfigMaps()).toEqual([`${NS}/cm`]);

    world.deleteConfigMap('cm');
    expect(definitions.rememberedConfigMaps()).toEqual([]);
    expect(await definitions.read(NS, REF)).toEqual({ kind: 'missing', what: 'does not exist' });
  });

  it('keeps a ConfigMap another workflow still references', async () => {
    const world = new ConfigMapWorld();
    world.putConfigMap('cm', { 'wf.json': '{}' });
    world.putWorkflow('wf', 'cm');
    world.putWorkflow('wf2', 'cm');
    const definitions = world.definitions();
    await definitions.read(NS, REF);
    world.deleteWorkflow('wf');
    expect(definitions.rememberedConfigMaps()).toEqual([`${NS}/cm`]);
    world.deleteWorkflow('wf2');
    expect(definitions.rememberedConfigMaps()).toEqual([]);
  });

  it('treats a ConfigMap deleted between the watch and the GET as missing', async () => {
    const world = new ConfigMapWorld();
    world.putConfigMap('cm', { 'wf.json': '{}' });
    world.putWorkflow('wf', 'cm');
    world.served.clear();
    expect(await world.definitions().read(NS, REF)).toEqual({ kind: 'missing', what: 'does not exist' });
  });
});
