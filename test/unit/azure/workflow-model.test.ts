import type { Workflow } from '@azure/arm-logic';
import { describe, expect, it } from 'vitest';
import { type DesiredWorkflow, fromArmWorkflow, toArmWorkflow } from '../../../src/azure/workflow-model.ts';

const UAMI =
  '/subscriptions/5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared';

function desired(overrides: Partial<DesiredWorkflow> = {}): DesiredWorkflow {
  return {
    location: 'westeurope',
    tags: { 'logicops.io/owner': 'c/ns/wf' },
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    definition: { contentVersion: '1.0.0.0', triggers: {}, actions: {} },
    parameters: { secretUri: { value: 'https://kv.vault.azure.net/secrets/s' } },
    ...overrides,
  };
}

describe('toArmWorkflow (the PUT body)', () => {
  it.each([
    ['SystemAssigned', desired(), { type: 'SystemAssigned' }],
    ['None', desired({ identity: { type: 'None' } }), { type: 'None' }],
    [
      'UserAssigned: the one identity keyed by ARM id with an empty value',
      desired({ identity: { type: 'UserAssigned', userAssignedIdentityId: UAMI } }),
      { type: 'UserAssigned', userAssignedIdentities: { [UAMI]: {} } },
    ],
  ])('identity %s', (_name, input, expected) => {
    expect(toArmWorkflow(input).identity).toEqual(expected);
  });

  it('carries location, tags, state, definition and parameters, and nothing read-only', () => {
    expect(toArmWorkflow(desired())).toEqual({
      location: 'westeurope',
      tags: { 'logicops.io/owner': 'c/ns/wf' },
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: { contentVersion: '1.0.0.0', triggers: {}, actions: {} },
      parameters: { secretUri: { value: 'https://kv.vault.azure.net/secrets/s' } },
    });
  });

  it('copies, so later changes to the spec object cannot leak into a request in flight', () => {
    const input = desired();
    const body = toArmWorkflow(input);
    (input.definition as { actions: Record<string, unknown> }).actions.added = {};
    expect(body.definition).toEqual({ contentVersion: '1.0.0.0', triggers: {}, actions: {} });
  });

  it('refuses UserAssigned without the identity id', () => {
    expect(() => toArmWorkflow(desired({ identity: { type: 'UserAssigned' } }))).toThrow(/ARM id/);
  });
});

describe('fromArmWorkflow', () => {
  const base: Workflow = {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/workflows/wf',
    name: 'wf',
    location: 'westeurope',
    state: 'Enabled',
    definition: { triggers: {} },
  };

  it('surfaces the system-assigned principal and tenant', () => {
    const observed = fromArmWorkflow({
      ...base,
      identity: { type: 'SystemAssigned', principalId: 'p-1', tenantId: 't-1' } as Workflow['identity'],
    });
    expect(observed.identity).toEqual({ type: 'SystemAssigned', principalId: 'p-1', tenantId: 't-1' });
    expect(observed.parameters).toEqual({});
    expect(observed.tags).toEqual({});
  });

  it("surfaces the user-assigned identity's principal, matching the id case-insensitively", () => {
    const observed = fromArmWorkflow(
      {
        ...base,
        identity: {
          type: 'UserAssigned',
          userAssignedIdentities: { [UAMI.toLowerCase()]: { principalId: 'p-2', clientId: 'c-2' } },
        } as Workflow['identity'],
      },
      UAMI,
    );
    expect(observed.identity).toEqual({
      type: 'UserAssigned',
      principalId: 'p-2',
      clientId: 'c-2',
      userAssignedIdentityId: UAMI.toLowerCase(),
    });
  });

  it('a workflow without identity reports None', () => {
    expect(fromArmWorkflow(base).identity).toEqual({ type: 'None' });
  });
});
