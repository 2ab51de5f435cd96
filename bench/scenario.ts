// What the bench creates, as plain data: the emulator seed (the demo world plus V vaults, each
// holding the secrets the bindings read), the namespace with its policy annotations, N
// workflows shaped like the end-to-end sample (config/samples/end-to-end), and B bindings per
// workflow spread round-robin over the vaults. Pure: run.ts applies it. One subscription's part
// is a `Share`; several subscriptions (bench/subscriptions.ts) are several shares.

import { demoSeed, type EmulatorSeed, type SeedVault } from '@logicops/azure-emulator';
import {
  DEFINITION_LIMITS,
  type JsonLimits,
  PARAMETERS_LIMITS,
} from '../src/controllers/logic-app-workflow/spec-limits.ts';
import { measureJson } from '../src/controllers/shared/json-size.ts';

import { API_VERSION } from '../src/crds/api-group.ts';
import { ALLOWED_RESOURCE_GROUPS_ANNOTATION, ALLOWED_VAULTS_ANNOTATION } from '../src/vocabulary.ts';
import type { DefinitionSize, GrantModel } from './args.ts';
import type { Manifest } from './manifest.ts';
import {
  type RoleGrantTargets,
  roleGrantManifests,
  roleGrantPolicy,
  roleGrantTargets,
} from './role-grants.ts';

export const BENCH_RESOURCE_GROUP = 'logicops-bench';
export const BENCH_LOCATION = 'westeurope';

export interface ScenarioSize {
  workflows: number;
  vaults: number;
  bindingsPerWorkflow: number;
  model: GrantModel;
  /** Default sample. */
  definitionSize?: DefinitionSize;
  /** WorkflowRoleAssignments per workflow (issue 24); default 0. */
  roleGrantsPerWorkflow?: number;
}

export type { Manifest } from './manifest.ts';

/** One subscription's part of the run: its namespace and the objects created there. */
export interface Share {
  subscriptionId: string;
  namespace: string;
  namespaceAnnotations: Record<string, string>;
  /** Vault names in creation order; binding → vault is `vaultIndexOf`. */
  vaultNames: string[];
  workflows: Manifest[];
  bindings: Manifest[];
  /** For the lower bound: the vault each binding grants on. */
  bindingVaults: string[];
  /** WorkflowRoleAssignments, grants per workflow in workflow order (issue 24; empty without --role-grants). */
  roleGrants: Manifest[];
  /** The Service Bus namespace and queues the grants point at; absent without grants. */
  roleGrantTargets?: RoleGrantTargets;
  /** The namespace's own Azure identity; absent: it acts as the operator's. */
  identity?: ShareIdentity;
}

/** An app registration with a client secret, given to its namespace in a credential Secret. */
export interface ShareIdentity {
  tenantId: string;
  clientId: string;
  objectId: string;
  clientSecret: string;
  /** The Secret in the share's namespace that holds it (--namespace-credentials NAMESPACE=SECRET). */
  secretName: string;
}

/** What the emulator is seeded with and what each subscription gets. */
export interface BenchWorld {
  seed: EmulatorSeed;
  shares: Share[];
}

/** One subscription (the demo one), acting as the operator's identity: the bench's original run. */
export interface Scenario extends Share, BenchWorld {}

/**
 * Key Vault names are 3–24 characters of [a-zA-Z0-9-] and globally unique, so each subscription's
 * vaults carry its number (`bench-s2-kv-0000`); the one-subscription run keeps `bench-kv-0000`.
 */
export function vaultName(index: number, subscriptionNumber?: number): string {
  const prefix = subscriptionNumber === undefined ? 'bench' : `bench-s${subscriptionNumber}`;
  return `${prefix}-kv-${String(index).padStart(4, '0')}`;
}

export function secretName(bindingIndex: number): string {
  return `bench-secret-${bindingIndex}`;
}

/** The workflow parameter binding j fills with its secret URI (binding 0 uses the sample's name). */
export function parameterName(bindingIndex: number): string {
  return bindingIndex === 0 ? 'partnerApiKeyUri' : `secretUri${bindingIndex}`;
}

/** Round-robin: consecutive bindings land on consecutive vaults, so vaults fill evenly. */
export function vaultIndexOf(workflowIndex: number, bindingIndex: number, size: ScenarioSize): number {
  return (workflowIndex * size.bindingsPerWorkflow + bindingIndex) % size.vaults;
}

export function buildScenario(size: ScenarioSize, subscriptionId: string, namespace: string): Scenario {
  const share = buildShare(size, subscriptionId, namespace, (k) => vaultName(k));
  const demo = demoSeed();
  const azure = shareSeed(size, share);
  const seed: EmulatorSeed = {
    ...demo,
    resourceGroups: [...(demo.resourceGroups ?? []), ...azure.resourceGroups],
    vaults: [...(demo.vaults ?? []), ...azure.vaults],
  };
  return { ...share, seed, shares: [share] };
}

/**
 * The bench resource group and vaults of one share, for the seed (setting up costs no ARM
 * writes). Their subscription is stated only when given (`inSubscription`), so the original
 * run's seed stays as it was (the default subscription).
 */
export function shareSeed(
  size: ScenarioSize,
  share: Share,
  inSubscription?: string,
): { resourceGroups: NonNullable<EmulatorSeed['resourceGroups']>; vaults: SeedVault[] } {
  const where = inSubscription === undefined ? {} : { subscriptionId: inSubscription };
  return {
    resourceGroups: [{ ...where, name: BENCH_RESOURCE_GROUP, location: BENCH_LOCATION }],
    vaults: share.vaultNames.map((name) => ({
      ...where,
      resourceGroup: BENCH_RESOURCE_GROUP,
      name,
      location: BENCH_LOCATION,
      enableRbacAuthorization: size.model === 'rbac',
      secrets: Array.from({ length: size.bindingsPerWorkflow }, (_, j) => ({
        name: secretName(j),
        value: `bench-value-${j}-not-a-secret`,
      })),
    })),
  };
}

/** The namespace, workflows and bindings of one subscription; `vaultNameOf(k)` names its k-th vault. */
export function buildShare(
  size: ScenarioSize,
  subscriptionId: string,
  namespace: string,
  vaultNameOf: (index: number) => string,
): Share {
  const vaultNames = Array.from({ length: size.vaults }, (_, k) => vaultNameOf(k));
  const subscription = `/subscriptions/${subscriptionId}`;
  const vaultId = (name: string) =>
    `${subscription}/resourceGroups/${BENCH_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${name}`;

  const workflows: Manifest[] = [];
  const bindings: Manifest[] = [];
  const bindingVaults: string[] = [];
  const roleGrants: Manifest[] = [];
  const grantTargets =
    (size.roleGrantsPerWorkflow ?? 0) > 0
      ? roleGrantTargets(
          subscriptionId,
          BENCH_RESOURCE_GROUP,
          BENCH_LOCATION,
          namespace,
          size.roleGrantsPerWorkflow ?? 0,
        )
      : undefined;
  const width = String(size.workflows - 1).length;
  for (let i = 0; i < size.workflows; i++) {
    const name = `bench-wf-${String(i).padStart(width, '0')}`;
    workflows.push({
      apiVersion: API_VERSION,
      kind: 'LogicAppWorkflow',
      metadata: { name, namespace },
      spec: {
        subscriptionId,
        resourceGroup: BENCH_RESOURCE_GROUP,
        location: BENCH_LOCATION,
        ...(size.definitionSize === 'max'
          ? maxSizeSpec(size.bindingsPerWorkflow, i)
          : {
              definition: sampleDefinition(size.bindingsPerWorkflow),
              parameters: { partnerEndpoint: PARTNER_ENDPOINT },
            }),
      },
    });
    for (let j = 0; j < size.bindingsPerWorkflow; j++) {
      const vault = vaultNames[vaultIndexOf(i, j, size)] ?? '';
      bindingVaults.push(vault);
      bindings.push({
        apiVersion: API_VERSION,
        kind: 'VaultSecretBinding',
        metadata: { name: `${name}-s${j}`, namespace },
        spec: {
          workflowRef: { name },
          vaultId: vaultId(vault),
          secretName: secretName(j),
          parameterName: parameterName(j),
          accessModel: size.model === 'rbac' ? 'RBAC' : 'AccessPolicy',
        },
      });
    }
    if (grantTargets) roleGrants.push(...roleGrantManifests(name, namespace, grantTargets));
  }
  // The max-size specs sit exactly at the size limits: secure parameters would take them over.
  if (size.definitionSize !== 'max') for (const workflow of workflows) addSecureParameters(workflow.spec);
  return {
    subscriptionId,
    namespace,
    namespaceAnnotations: {
      [ALLOWED_RESOURCE_GROUPS_ANNOTATION]: `${subscription}/resourceGroups/*`,
      [ALLOWED_VAULTS_ANNOTATION]: `${subscription}/resourceGroups/*/providers/Microsoft.KeyVault/vaults/*`,
      ...(grantTargets ? roleGrantPolicy(grantTargets) : {}),
    },
    vaultNames,
    workflows,
    bindings,
    bindingVaults,
    roleGrants,
    ...(grantTargets ? { roleGrantTargets: grantTargets } : {}),
  };
}

const PARTNER_ENDPOINT = 'https://api.partner.example/v1/orders';

/**
 * The sample's definition and parameters grown to exactly logicops' limits in bytes and JSON
 * values (spec-limits.ts): the most a workflow can make the operator hold. The growth is a
 * Compose action and a declared `padding` parameter, each holding an array of one-key objects
 * (an object per two values: objects cost the heap more than strings do); `seed` makes every
 * workflow's text different, so no two share strings.
 */
export function maxSizeSpec(
  bindings: number,
  seed: number,
): { definition: Record<string, unknown>; parameters: Record<string, unknown> } {
  const sample = sampleDefinition(bindings);
  const definition = fillTo(DEFINITION_LIMITS, seed, (padding) => ({
    ...sample,
    parameters: { ...(sample.parameters as object), padding: { type: 'Array' } },
    actions: {
      ...(sample.actions as object),
      Padding: { type: 'Compose', runAfter: {}, inputs: padding },
    },
  }));
  const parameters = fillTo(PARAMETERS_LIMITS, seed, (padding) => ({
    partnerEndpoint: PARTNER_ENDPOINT,
    padding,
  }));
  return { definition, parameters };
}

/**
 * `build(padding)` with a padding array sized so the result measures exactly `limits.bytes`
 * bytes and `limits.values` values: `{"s":"…"}` elements (two values each, one bare string when
 * the count is odd), their strings lengthened to take the remaining bytes.
 */
export function fillTo(
  limits: Readonly<JsonLimits>,
  seed: number,
  build: (padding: unknown[]) => Record<string, unknown>,
): Record<string, unknown> {
  const spare = limits.values - measureJson(build([])).values; // the empty array is counted already
  const objects = Math.floor(spare / 2);
  const padding: unknown[] = Array.from({ length: objects }, () => ({ s: '' }));
  if (spare % 2 === 1) padding.push('');
  const bare = measureJson(build(padding)).bytes;
  let remaining = limits.bytes - bare;
  if (remaining < 0)
    throw new Error(`the sample alone is over ${limits.bytes} bytes at ${limits.values} values`);
  const strings = padding.length;
  for (let k = 0; k < strings; k++) {
    const length = Math.floor(remaining / (strings - k));
    const text = `${seed.toString(36)}-${k.toString(36)}-`.padEnd(length, 'x').slice(0, length);
    remaining -= text.length;
    const item = padding[k];
    if (typeof item === 'string') padding[k] = text;
    else (item as { s: string }).s = text;
  }
  return build(padding);
}

/**
 * The end-to-end sample's definition: a schedule, an HTTP GET of the secret with the managed
 * identity, a JSON parse, and a partner call with the key in a header. Every binding beyond
 * the first adds a declared parameter so each binding hands its secret URI to the workflow.
 */
export function sampleDefinition(bindings: number): Record<string, unknown> {
  const parameters: Record<string, unknown> = {
    partnerApiKeyUri: {
      type: 'String',
      metadata: { description: 'Versionless URI of the API key secret; filled in by a VaultSecretBinding.' },
    },
    partnerEndpoint: { type: 'String' },
  };
  for (let j = 1; j < bindings; j++) parameters[parameterName(j)] = { type: 'String' };
  return {
    $schema:
      'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    contentVersion: '1.0.0.0',
    parameters,
    triggers: {
      Every_15_minutes: { type: 'Recurrence', recurrence: { frequency: 'Minute', interval: 15 } },
    },
    actions: {
      Get_partner_API_key: {
        type: 'Http',
        runAfter: {},
        inputs: {
          method: 'GET',
          uri: "@{parameters('partnerApiKeyUri')}?api-version=2025-07-01",
          authentication: { type: 'ManagedServiceIdentity', audience: 'https://vault.azure.net' },
        },
      },
      Parse_secret: {
        type: 'ParseJson',
        runAfter: { Get_partner_API_key: ['Succeeded'] },
        inputs: {
          content: "@body('Get_partner_API_key')",
          schema: { type: 'object', properties: { value: { type: 'string' } } },
        },
      },
      Call_partner_API: {
        type: 'Http',
        runAfter: { Parse_secret: ['Succeeded'] },
        inputs: {
          method: 'GET',
          uri: "@parameters('partnerEndpoint')",
          headers: { 'Api-key': "@body('Parse_secret')?['value']" },
        },
      },
    },
  };
}

/**
 * Secure parameters in the workload (issue 21): Azure never returns their values, so a diff
 * that compared them with Azure would rewrite every workflow at every resync. Two declared
 * secure parameters, given values in spec.parameters and used in the partner call.
 */
export function addSecureParameters(spec: Record<string, unknown>): void {
  const definition = structuredClone(spec.definition) as {
    parameters: Record<string, unknown>;
    actions: { Call_partner_API?: { inputs: { headers: Record<string, string>; body?: unknown } } };
  };
  definition.parameters.partnerClientId = { type: 'SecureString' };
  definition.parameters.partnerSettings = { type: 'SecureObject' };
  const call = definition.actions.Call_partner_API;
  if (call) {
    call.inputs.headers['X-Client-Id'] = "@parameters('partnerClientId')";
    call.inputs.body = "@parameters('partnerSettings')";
  }
  spec.definition = definition;
  spec.parameters = {
    ...(spec.parameters as Record<string, unknown>),
    partnerClientId: 'bench-client-id-not-a-secret',
    partnerSettings: { account: 'bench', region: BENCH_LOCATION },
  };
}
