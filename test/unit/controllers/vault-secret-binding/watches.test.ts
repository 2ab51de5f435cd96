import { describe, expect, it } from 'vitest';
import {
  bindingsIn,
  bindingsReferencing,
} from '../../../../src/controllers/vault-secret-binding/controller.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { createWorld } from './support/world.ts';

describe('related watches', () => {
  const world = createWorld();
  world.binding('uses-wf', { workflowRef: { name: 'wf' } });
  world.binding('uses-other', { workflowRef: { name: 'other' } });
  world.binding('same-name-elsewhere', { workflowRef: { name: 'wf' } }, 'team-b');
  const workflow = { metadata: { name: 'wf', namespace: 'team-a' } } as LogicAppWorkflow;

  it('maps a workflow to the bindings of its namespace that reference it', () => {
    expect(bindingsReferencing(world.shared.bindings, workflow)).toEqual(['team-a/uses-wf']);
  });

  it('maps a namespace to every binding in it', () => {
    expect(bindingsIn(world.shared.bindings, 'team-a').sort()).toEqual([
      'team-a/uses-other',
      'team-a/uses-wf',
    ]);
  });
});
