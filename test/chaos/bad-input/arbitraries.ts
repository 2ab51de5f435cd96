// fast-check generators of what users (and broken tooling) send: names, ids, definitions,
// parameters and tags from valid to absurd — unicode, control characters, wrong types, missing
// fields, values of hundreds of kilobytes. Most objects are valid but for one or two fields, so
// many get deep into the reconcile path (Azure calls) instead of all stopping at admission.
import fc from 'fast-check';
import { sampleDefinition } from '../../../bench/scenario.ts';
import { API_VERSION } from '../../../src/crds/api-group.ts';
import { CHAOS_RESOURCE_GROUP } from '../support/world.ts';

export interface GeneratedObject {
  apiVersion: string;
  kind: 'LogicAppWorkflow' | 'VaultSecretBinding';
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

const unicode = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const anyText = (maxLength = 80) => fc.oneof(unicode(maxLength), fc.string({ unit: 'binary', maxLength }));
/** A few objects carry values of 64–256 KB: far beyond any sane parameter, within etcd's limit. */
const huge = fc.integer({ min: 64 * 1024, max: 256 * 1024 }).map((n) => 'ü'.repeat(n / 2));

/** Mostly valid, unique DNS names; one in five is something the API server must refuse. */
export function dnsName(index: number): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/).map((s) => `${s}-${index}`),
    },
    { weight: 1, arbitrary: anyText(300) },
    { weight: 1, arbitrary: fc.constantFrom('UPPER', 'has space', 'a'.repeat(254), '-dash', 'dot.', 'ünï') },
  );
}

function definition(): fc.Arbitrary<unknown> {
  const sample = sampleDefinition(1);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(sample) },
    { weight: 2, arbitrary: fc.jsonValue() },
    {
      weight: 2,
      arbitrary: fc.record({ name: anyText(40), action: fc.jsonValue() }).map(({ name, action }) => ({
        ...sample,
        actions: { ...(sample.actions as object), [name || 'x']: action },
      })),
    },
    { weight: 1, arbitrary: fc.constant({ ...sample, triggers: 'not an object' }) },
  );
}

/**
 * A valid object with zero, one or two of its fields replaced by a bad value (or removed):
 * one broken field at a time reaches the check that owns it, where an all-random object would
 * only ever meet the first schema error.
 */
function mutateSome(
  valid: fc.Arbitrary<Record<string, unknown>>,
  bad: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(bad);
  const chosen = fc.oneof(
    { weight: 2, arbitrary: fc.constant<string[]>([]) },
    { weight: 3, arbitrary: fc.subarray(keys, { minLength: 1, maxLength: 2 }) },
  );
  return fc.tuple(valid, chosen, fc.record(bad), fc.boolean()).map(([spec, fields, values, remove]) => {
    const result = { ...spec };
    for (const field of fields) {
      if (remove && fields.length === 1) delete result[field];
      else result[field] = values[field];
    }
    return result;
  });
}

const parameterName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/);
const tagKey = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((k) => !k.startsWith('logicops'));

export function workflowArbitrary(
  subscriptionId: string,
  userAssignedIdentityId: string,
): fc.Arbitrary<Record<string, unknown>> {
  const valid = fc.record({
    subscriptionId: fc.constant(subscriptionId),
    resourceGroup: fc.constant(CHAOS_RESOURCE_GROUP),
    location: fc.constant('westeurope'),
    identity: fc.oneof(
      fc.constant({ type: 'SystemAssigned' }),
      fc.constant({ type: 'None' }),
      fc.constant({ type: 'UserAssigned', userAssignedIdentityId }),
    ),
    state: fc.constantFrom('Enabled', 'Disabled'),
    definition: definition(),
    parameters: fc.dictionary(
      parameterName,
      fc.oneof(
        { weight: 10, arbitrary: fc.jsonValue() },
        { weight: 10, arbitrary: unicode(500) },
        { weight: 1, arbitrary: huge },
      ),
      { maxKeys: 4 },
    ),
    tags: fc.dictionary(tagKey, unicode(200), { maxKeys: 4 }),
  });
  return mutateSome(valid, {
    subscriptionId: fc.oneof(fc.uuid(), anyText(60)),
    resourceGroup: fc.oneof(fc.constant('no-such-group'), anyText(100)),
    location: anyText(40),
    azureName: anyText(100),
    identity: fc.oneof(
      fc.record({ type: fc.constant('UserAssigned'), userAssignedIdentityId: anyText(200) }),
      fc.constant({ type: 'UserAssigned' }),
      fc.record({ type: anyText(20) }),
      fc.jsonValue(),
    ),
    state: anyText(20),
    definition: fc.oneof(fc.jsonValue(), fc.constant({})),
    parameters: fc.dictionary(anyText(30), fc.oneof(fc.jsonValue(), huge), { maxKeys: 4 }),
    tags: fc.dictionary(anyText(60), fc.oneof(anyText(300), fc.jsonValue()), { maxKeys: 4 }),
    deletionPolicy: anyText(10),
    secureRunHistory: fc.jsonValue(),
  });
}

export function bindingArbitrary(
  workflowName: string,
  vaultIds: readonly string[],
): fc.Arbitrary<Record<string, unknown>> {
  const valid = fc.record({
    workflowRef: fc.constant({ name: workflowName }),
    vaultId: fc.constantFrom(...vaultIds),
    secretName: fc.constantFrom('s0', 's1', 's2'),
    permissions: fc.subarray(['get', 'list'], { minLength: 1 }),
    accessModel: fc.constantFrom('Auto', 'AccessPolicy', 'RBAC'),
  });
  return mutateSome(valid, {
    workflowRef: fc.oneof(fc.record({ name: anyText(60) }), fc.jsonValue()),
    vaultId: fc.oneof(
      anyText(300),
      fc.constant('/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/'),
      fc.constant(vaultIds[0]?.replace('chaos-ap-0', 'no-such-vault') ?? ''),
    ),
    secretName: fc.oneof(anyText(200), fc.constant('no-such-secret')),
    permissions: fc.oneof(fc.array(anyText(10), { maxLength: 3 }), fc.constant([]), fc.constant(['set'])),
    accessModel: anyText(10),
    parameterName: anyText(60),
    deletionPolicy: anyText(10),
  });
}

/** `count` objects, two workflows for every binding, the same for the same seed. */
export function generateObjects(options: {
  count: number;
  seed: number;
  namespace: string;
  subscriptionId: string;
  userAssignedIdentityId: string;
  anchorWorkflow: string;
  vaultIds: readonly string[];
}): GeneratedObject[] {
  const workflowCount = Math.ceil((options.count * 2) / 3);
  const workflows = fc.sample(workflowArbitrary(options.subscriptionId, options.userAssignedIdentityId), {
    numRuns: workflowCount,
    seed: options.seed,
  });
  const bindings = fc.sample(bindingArbitrary(options.anchorWorkflow, options.vaultIds), {
    numRuns: options.count - workflowCount,
    seed: options.seed + 1,
  });
  return [...workflows, ...bindings].map((spec, i) => ({
    apiVersion: API_VERSION,
    kind: i < workflowCount ? 'LogicAppWorkflow' : 'VaultSecretBinding',
    metadata: {
      name: fc.sample(dnsName(i), { numRuns: 1, seed: options.seed + 2 + i })[0] ?? `x-${i}`,
      namespace: options.namespace,
    },
    spec,
  }));
}
