// Defaults the API server fills in, and the status subresource: spec and status are written
// through different endpoints, so neither the operator nor a user can overwrite the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { type AnyObject, create, replace, replaceStatus } from './support/admission.ts';
import { binding, IDENTITY_ID, workflow } from './support/fixtures.ts';
import { applyShippedCrds } from './support/install.ts';

let ns = '';
beforeAll(async () => {
  await applyShippedCrds();
  ns = await createTestNamespace('crd-defaults');
});
afterAll(() => deleteTestNamespace(ns));

async function createOrThrow(object: AnyObject): Promise<AnyObject> {
  const outcome = await create(ns, object);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.object;
}

describe('defaults', () => {
  it('a minimal workflow gets SystemAssigned identity, Enabled state, Delete policy, secure run history', async () => {
    const { spec } = await createOrThrow(workflow('defaults-minimal'));
    expect(spec).toMatchObject({
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      deletionPolicy: 'Delete',
      secureRunHistory: true,
    });
    expect(spec.azureName).toBeUndefined();
  });

  it('an identity without a type defaults to SystemAssigned; explicit values are kept', async () => {
    const partial = workflow('defaults-identity');
    partial.spec.identity = {};
    expect((await createOrThrow(partial)).spec.identity).toEqual({ type: 'SystemAssigned' });

    const explicit = workflow('defaults-explicit');
    Object.assign(explicit.spec, {
      identity: { type: 'UserAssigned', userAssignedIdentityId: IDENTITY_ID },
      state: 'Disabled',
      deletionPolicy: 'Orphan',
      secureRunHistory: false,
    });
    expect((await createOrThrow(explicit)).spec).toMatchObject({
      identity: { type: 'UserAssigned', userAssignedIdentityId: IDENTITY_ID },
      state: 'Disabled',
      deletionPolicy: 'Orphan',
      secureRunHistory: false,
    });
  });

  it('a minimal binding gets permissions [get], accessModel Auto, Delete policy', async () => {
    const { spec } = await createOrThrow(binding('defaults-binding'));
    expect(spec).toMatchObject({ permissions: ['get'], accessModel: 'Auto', deletionPolicy: 'Delete' });
    expect(spec.parameterName).toBeUndefined();
  });

  it('workflow definitions and parameters keep arbitrary JSON verbatim', async () => {
    const object = workflow('defaults-freeform');
    object.spec.definition.actions = {
      Compose: { type: 'Compose', inputs: { nested: [1, 'two', { three: true }] }, runAfter: {} },
    };
    object.spec.parameters = {
      retries: 3,
      endpoints: ['https://a', 'https://b'],
      options: { verbose: true },
    };
    const { spec } = await createOrThrow(object);
    expect(spec.definition.actions).toEqual(object.spec.definition.actions);
    expect(spec.parameters).toEqual(object.spec.parameters);
  });
});

describe('status subresource', () => {
  it('status written through /status is kept; spec changes sent there are ignored', async () => {
    const stored = await createOrThrow(workflow('status-split'));
    const status = {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'WaitingForPrincipal',
          message: 'waiting',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 1,
        },
      ],
      identity: { type: 'SystemAssigned', principalId: '11111111-2222-3333-4444-555555555555' },
    };
    const written = await replaceStatus(ns, {
      ...stored,
      spec: { ...stored.spec, state: 'Disabled' },
      status,
    });
    if (!written.ok) throw new Error(written.message);
    expect(written.object.status).toEqual(status);
    expect(written.object.spec.state).toBe('Enabled');
    expect(written.object.metadata.generation).toBe(1);
  });

  it('status sent with a spec update is ignored and the generation moves', async () => {
    const stored = await createOrThrow(workflow('status-ignored'));
    const updated = await replace(ns, {
      ...stored,
      spec: { ...stored.spec, state: 'Disabled' },
      status: { observedGeneration: 7 },
    });
    if (!updated.ok) throw new Error(updated.message);
    expect(updated.object.status).toBeUndefined();
    expect(updated.object.metadata.generation).toBe(2);
  });

  it('conditions must have the metav1.Condition shape', async () => {
    const stored = await createOrThrow(binding('status-conditions'));
    const bad = await replaceStatus(ns, {
      ...stored,
      status: { conditions: [{ type: 'Ready', status: 'Yes', reason: 'Succeeded', message: '' }] },
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.message).toContain('status.conditions[0].status: Unsupported value: "Yes"');
      expect(bad.message).toContain('status.conditions[0].lastTransitionTime: Required value');
    }
  });
});
