// A workflow's definition from a ConfigMap key (spec.definitionFrom.configMapKeyRef). ConfigMaps
// are watched for their metadata only (controllers/informers.ts): any team can fill its
// namespace with 1 MiB ConfigMaps, and none of that may reach this process's heap unless a
// workflow references it. So the key's value is read with a GET when a workflow needs it, judged
// against the size and nesting limits before JSON.parse, and kept per ConfigMap resourceVersion:
// a resync of an unchanged ConfigMap costs no request, and a changed one (the metadata watch
// sees its new resourceVersion and wakes its workflows) is read again.
//
// What is kept: for each referenced ConfigMap, the referenced keys' text when within the limits,
// otherwise only the verdict. An entry goes when its ConfigMap changes or goes, or when no
// workflow references it any more.
import type { KubernetesObject, V1ConfigMap } from '@kubernetes/client-node';
import type { ConfigMapKeyRef, LogicAppWorkflow } from '../../crds/index.ts';
import { isNotFound, type KubeClient, keyOf, objectKey, type WatchedSource } from '../../runtime/index.ts';
import { CONFIG_MAP_RESOURCE } from '../resource-kinds.ts';
import { measureJsonText } from '../shared/json-size.ts';
import { DEFINITION_LIMITS, overLimitMessage } from './spec-limits.ts';

export type ConfigMapDefinition =
  /** `what` completes "ConfigMap ns/name …": "does not exist" or "has no key 'k'". */
  | { kind: 'missing'; what: string }
  /** Over a size or nesting limit: the message says which, measured, and the limit. */
  | { kind: 'overLimit'; message: string }
  | { kind: 'text'; text: string };

export interface ConfigMapSources {
  kube: Pick<KubeClient, 'get'>;
  /** The metadata-only ConfigMap cache: existence and resourceVersion. */
  configMaps: WatchedSource<KubernetesObject>;
}

/** Reads the key once, with no memory of earlier reads. */
export async function readConfigMapDefinition(
  sources: ConfigMapSources,
  namespace: string,
  ref: ConfigMapKeyRef,
): Promise<{ definition: ConfigMapDefinition; resourceVersion: string | undefined }> {
  if (!sources.configMaps.get(objectKey({ namespace, name: ref.name }))) {
    // The watch wakes the workflow when it appears.
    return { definition: { kind: 'missing', what: 'does not exist' }, resourceVersion: undefined };
  }
  let configMap: V1ConfigMap;
  try {
    configMap = await sources.kube.get<V1ConfigMap>(CONFIG_MAP_RESOURCE, namespace, ref.name);
  } catch (error) {
    if (isNotFound(error)) {
      return { definition: { kind: 'missing', what: 'does not exist' }, resourceVersion: undefined };
    }
    throw error;
  }
  return {
    definition: judgeDefinitionText(configMap.data?.[ref.key], namespace, ref),
    resourceVersion: configMap.metadata?.resourceVersion,
  };
}

/** The verdict on a key's value, measured as text: nothing is parsed before it passes. */
export function judgeDefinitionText(
  text: string | undefined,
  namespace: string,
  ref: ConfigMapKeyRef,
): ConfigMapDefinition {
  if (text === undefined) return { kind: 'missing', what: `has no key '${ref.key}'` };
  const problem = overLimitMessage(
    `ConfigMap ${namespace}/${ref.name} key '${ref.key}'`,
    measureJsonText(text),
    DEFINITION_LIMITS,
  );
  if (problem) {
    return {
      kind: 'overLimit',
      message: `${problem}. Make the definition smaller (Azure's own advice past its limits: split the workflow into nested workflows) and update the ConfigMap.`,
    };
  }
  return { kind: 'text', text };
}

interface Entry {
  resourceVersion: string;
  byKey: Map<string, ConfigMapDefinition>;
}

/** readConfigMapDefinition, remembered per ConfigMap resourceVersion (one per controller). */
export class ConfigMapDefinitions {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly sources: ConfigMapSources & { workflows: WatchedSource<LogicAppWorkflow> }) {
    sources.configMaps.subscribe((event) => {
      if (event.type !== 'added') this.entries.delete(keyOf(event.object));
    });
    sources.workflows.subscribe((event) => {
      const before = event.type === 'updated' ? referenceOf(event.previous) : referenceOf(event.object);
      const dropped =
        event.type === 'deleted' || (event.type === 'updated' && before !== referenceOf(event.object));
      if (dropped && before !== undefined) this.forgetIfUnreferenced(before);
    });
  }

  async read(namespace: string, ref: ConfigMapKeyRef): Promise<ConfigMapDefinition> {
    const key = objectKey({ namespace, name: ref.name });
    const known = this.sources.configMaps.get(key)?.metadata?.resourceVersion;
    const entry = this.entries.get(key);
    const remembered = entry?.resourceVersion === known ? entry?.byKey.get(ref.key) : undefined;
    if (remembered) return remembered;
    const { definition, resourceVersion } = await readConfigMapDefinition(this.sources, namespace, ref);
    if (resourceVersion === undefined) {
      this.entries.delete(key);
      return definition;
    }
    let current = this.entries.get(key);
    if (current?.resourceVersion !== resourceVersion) {
      current = { resourceVersion, byKey: new Map() };
      this.entries.set(key, current);
    }
    current.byKey.set(ref.key, definition);
    return definition;
  }

  /** `namespace/name` of each ConfigMap something is remembered of. */
  rememberedConfigMaps(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** A workflow stopped referencing `key`: forget it unless another workflow still does. */
  private forgetIfUnreferenced(key: string): void {
    if (!this.entries.has(key)) return;
    const stillUsed = this.sources.workflows.list().some((workflow) => referenceOf(workflow) === key);
    if (!stillUsed) this.entries.delete(key);
  }
}

/** `namespace/name` of the ConfigMap a workflow takes its definition from, if any. */
function referenceOf(workflow: Readonly<LogicAppWorkflow>): string | undefined {
  const name = workflow.spec?.definitionFrom?.configMapKeyRef.name;
  return name ? objectKey({ namespace: workflow.metadata?.namespace, name }) : undefined;
}
