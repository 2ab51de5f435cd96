// spec.accessControl → what Azure should hold, and when Azure's answer means the same (no write)
// or not (a write; drift when changed out of band). Shapes: azure-rest-api-specs,
// Microsoft.Logic/stable/2019-05-01/logic.json (FlowAccessControlConfiguration and below). An empty
// allowedCallerIpAddresses admits only other logic apps (Microsoft Learn, "Secure access and data
// in Azure Logic Apps", "Restrict inbound IP addresses"): never the same as no list.
import { describe, expect, it } from 'vitest';
import type { ObservedWorkflow, WorkflowAccessControlModel } from '../../../../src/azure/index.ts';
import {
  desiredAccessControl,
  sameAccessControl,
} from '../../../../src/controllers/logic-app-workflow/access-control.ts';
import { desiredWorkflow } from '../../../../src/controllers/logic-app-workflow/desired-workflow.ts';
import { workflowDifferences } from '../../../../src/controllers/logic-app-workflow/workflow-diff.ts';
import type { LogicAppWorkflowSpec, WorkflowAccessControl } from '../../../../src/crds/index.ts';

const ISSUER = 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/';
const SPEC_ACCESS: WorkflowAccessControl = {
  triggers: {
    allowedCallerIpAddresses: [{ addressRange: '203.0.113.0/24' }, { addressRange: '2001:DB8::/48' }],
    openAuthenticationPolicies: {
      policies: {
        partner: {
          type: 'AAD',
          claims: [
            { name: 'iss', value: ISSUER },
            { name: 'aud', value: 'api://partner' },
          ],
        },
      },
    },
  },
  contents: { allowedCallerIpAddresses: [] },
};

describe('desiredAccessControl', () => {
  it('is undefined when the spec leaves access control unmanaged', () => {
    expect(desiredAccessControl(undefined)).toBeUndefined();
  });

  it('is Azure’s shape, as written, for a managed one', () => {
    expect(desiredAccessControl(SPEC_ACCESS)).toEqual(SPEC_ACCESS);
  });

  it('drops sections that restrict nothing, keeps an empty range list', () => {
    expect(
      desiredAccessControl({
        triggers: {},
        actions: { allowedCallerIpAddresses: [] },
        workflowManagement: { allowedCallerIpAddresses: undefined },
      }),
    ).toEqual({ actions: { allowedCallerIpAddresses: [] } });
    expect(desiredAccessControl({})).toEqual({});
  });
});

describe('sameAccessControl', () => {
  const desired = desiredAccessControl(SPEC_ACCESS) as WorkflowAccessControlModel;
  const cases: Array<[string, WorkflowAccessControlModel | undefined, boolean]> = [
    ['the same', structuredClone(SPEC_ACCESS) as WorkflowAccessControlModel, true],
    [
      'ranges and claims in another order, IPv6 in lower case, empty sections',
      {
        triggers: {
          allowedCallerIpAddresses: [{ addressRange: '2001:db8::/48' }, { addressRange: '203.0.113.0/24' }],
          openAuthenticationPolicies: {
            policies: {
              partner: {
                type: 'AAD',
                claims: [
                  { name: 'aud', value: 'api://partner' },
                  { name: 'iss', value: ISSUER },
                ],
              },
            },
          },
        },
        contents: { allowedCallerIpAddresses: [] },
        actions: {},
        workflowManagement: { openAuthenticationPolicies: { policies: {} } },
      },
      true,
    ],
    ['no access control at all', undefined, false],
    [
      'one range widened out of band',
      {
        ...structuredClone(SPEC_ACCESS),
        triggers: {
          ...structuredClone(SPEC_ACCESS.triggers),
          allowedCallerIpAddresses: [{ addressRange: '0.0.0.0/0' }],
        },
      } as WorkflowAccessControlModel,
      false,
    ],
    [
      'the empty contents list removed (any caller may read run contents)',
      { triggers: structuredClone(SPEC_ACCESS.triggers) } as WorkflowAccessControlModel,
      false,
    ],
    [
      'a claim value changed',
      {
        ...structuredClone(SPEC_ACCESS),
        triggers: {
          ...structuredClone(SPEC_ACCESS.triggers),
          openAuthenticationPolicies: {
            policies: { partner: { type: 'AAD', claims: [{ name: 'iss', value: 'https://evil.example/' }] } },
          },
        },
      } as WorkflowAccessControlModel,
      false,
    ],
  ];
  it.each(cases)('%s → same: %s', (_what, observed, same) => {
    expect(sameAccessControl(desired, observed)).toBe(same);
  });

  it('a managed empty access control matches Azure’s {} and no access control', () => {
    expect(sameAccessControl({}, undefined)).toBe(true);
    expect(sameAccessControl({}, {})).toBe(true);
    expect(sameAccessControl({}, { triggers: { allowedCallerIpAddresses: [] } })).toBe(false);
  });
});

describe('workflowDifferences: accessControl', () => {
  const spec = (accessControl?: WorkflowAccessControl): LogicAppWorkflowSpec => ({
    subscriptionId: 'sub',
    resourceGroup: 'rg',
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    definition: { actions: {} },
    deletionPolicy: 'Delete',
    secureRunHistory: true,
    ...(accessControl ? { accessControl } : {}),
  });
  const observed = (accessControl?: WorkflowAccessControlModel): ObservedWorkflow => {
    const desired = desiredWorkflow({ spec: spec(), definition: { actions: {} }, owner: 'c/ns/wf' });
    return {
      id: 'id',
      name: 'wf',
      location: 'westeurope',
      tags: desired.tags,
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: desired.definition,
      parameters: {},
      ...(accessControl ? { accessControl } : {}),
    };
  };
  const diff = (accessControl: WorkflowAccessControl | undefined, inAzure?: WorkflowAccessControlModel) =>
    workflowDifferences(
      desiredWorkflow({ spec: spec(accessControl), definition: { actions: {} }, owner: 'c/ns/wf' }),
      observed(inAzure),
    );

  it('is not compared when the spec leaves it unmanaged, whatever Azure holds', () => {
    expect(diff(undefined, { triggers: { allowedCallerIpAddresses: [] } })).toEqual([]);
  });
  it('is compared when managed', () => {
    expect(diff(SPEC_ACCESS, SPEC_ACCESS as WorkflowAccessControlModel)).toEqual([]);
    expect(diff(SPEC_ACCESS, undefined)).toEqual(['accessControl']);
    expect(diff({}, { triggers: { allowedCallerIpAddresses: [{ addressRange: '198.51.100.1' }] } })).toEqual([
      'accessControl',
    ]);
  });
});
