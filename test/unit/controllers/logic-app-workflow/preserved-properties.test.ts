// What a PUT carries over from Azure (a PUT replaces the whole workflow), property by property,
// and the PUT body the gateway builds from it. The writable properties are the REST spec's
// (azure-rest-api-specs, Microsoft.Logic/stable/2019-05-01/logic.json, Workflow and
// WorkflowProperties: state, endpointsConfiguration, accessControl, integrationAccount,
// integrationServiceEnvironment, definition, parameters; sku is read-only); the decision table is
// docs/controllers/logic-app-workflow.md's, and this test holds the two together.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DesiredWorkflow, ObservedWorkflow } from '../../../../src/azure/index.ts';
import { toArmWorkflow } from '../../../../src/azure/workflow-model.ts';
import {
  preservedProperties,
  WRITABLE_PROPERTY_DECISIONS,
} from '../../../../src/controllers/logic-app-workflow/preserved-properties.ts';

const IA = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/integrationAccounts/b2b';
const ISE = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Logic/integrationServiceEnvironments/ise';
const FOREIGN_ACCESS = { triggers: { allowedCallerIpAddresses: [{ addressRange: '198.51.100.0/24' }] } };
const ENDPOINTS = {
  workflow: { outgoingIpAddresses: ['198.51.100.1'], accessEndpointIpAddresses: ['203.0.113.1'] },
  connector: { outgoingIpAddresses: ['192.0.2.0/28'] },
};

const observed: ObservedWorkflow = {
  id: 'id',
  name: 'wf',
  location: 'westeurope',
  tags: {},
  identity: { type: 'None' },
  parameters: {},
  accessControl: FOREIGN_ACCESS,
  integrationAccount: { id: IA },
  integrationServiceEnvironment: { id: ISE },
  endpointsConfiguration: ENDPOINTS,
};

const desired: DesiredWorkflow = {
  location: 'westeurope',
  tags: { 'logicops-owner': 'c/ns/wf' },
  identity: { type: 'None' },
  state: 'Enabled',
  definition: { actions: {} },
  parameters: {},
};

describe('preservedProperties', () => {
  it('a create has nothing to carry over', () => {
    expect(preservedProperties(undefined, { managesAccessControl: false })).toBeUndefined();
  });

  it('nothing set outside logicops: nothing to carry over', () => {
    const bare = { ...observed };
    for (const key of [
      'accessControl',
      'integrationAccount',
      'integrationServiceEnvironment',
      'endpointsConfiguration',
    ])
      delete (bare as Record<string, unknown>)[key];
    expect(preservedProperties(bare, { managesAccessControl: false })).toBeUndefined();
  });

  it('carries over every writable property the spec does not manage, accessControl included when unmanaged', () => {
    expect(preservedProperties(observed, { managesAccessControl: false })).toEqual({
      accessControl: FOREIGN_ACCESS,
      integrationAccount: { id: IA },
      integrationServiceEnvironment: { id: ISE },
      endpointsConfiguration: ENDPOINTS,
    });
  });

  it('never carries over accessControl the spec manages (the spec wins, drift is restored)', () => {
    expect(preservedProperties(observed, { managesAccessControl: true })?.accessControl).toBeUndefined();
  });
});

describe('the PUT body', () => {
  it('sends what was carried over, in Azure’s wire shape', () => {
    const body = toArmWorkflow({
      ...desired,
      preserved: preservedProperties(observed, { managesAccessControl: false }),
    });
    expect(body.accessControl).toEqual(FOREIGN_ACCESS);
    expect(body.integrationAccount).toEqual({ id: IA });
    expect(body.integrationServiceEnvironment).toEqual({ id: ISE });
    expect(body.endpointsConfiguration).toEqual({
      workflow: {
        outgoingIpAddresses: [{ address: '198.51.100.1' }],
        accessEndpointIpAddresses: [{ address: '203.0.113.1' }],
      },
      connector: { outgoingIpAddresses: [{ address: '192.0.2.0/28' }] },
    });
  });

  it('sends the managed accessControl, and none at all for a managed {}', () => {
    const managed = { contents: { allowedCallerIpAddresses: [] } };
    expect(toArmWorkflow({ ...desired, accessControl: managed }).accessControl).toEqual(managed);
    const body = toArmWorkflow({
      ...desired,
      accessControl: {},
      preserved: { integrationAccount: { id: IA } },
    });
    expect(body.accessControl).toBeUndefined();
    expect(body.integrationAccount).toEqual({ id: IA });
  });

  it('without anything preserved, sends only what logicops manages', () => {
    expect(Object.keys(toArmWorkflow(desired)).sort()).toEqual(
      ['definition', 'identity', 'location', 'parameters', 'state', 'tags'].sort(),
    );
  });
});

describe('the decision table in the docs', () => {
  const page = readFileSync(
    new URL('../../../../docs/controllers/logic-app-workflow.md', import.meta.url),
    'utf8',
  );
  const section = page.slice(page.indexOf('### What a write keeps'));
  const rows = new Map(
    [...section.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
  );

  it.each(Object.entries(WRITABLE_PROPERTY_DECISIONS))('names %s as %s', (property, decision) => {
    expect(rows.get(property)).toBe(decision);
  });

  it('lists no writable property the code does not decide', () => {
    const undecided = [...rows.keys()].filter((p) => !(p in WRITABLE_PROPERTY_DECISIONS));
    expect(undecided).toEqual([]);
  });
});
