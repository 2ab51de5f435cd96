// properties.accessControl and properties.endpointsConfiguration of Microsoft.Logic/workflows.
// Shapes: azure-rest-api-specs, Microsoft.Logic/stable/2019-05-01/logic.json
// (FlowAccessControlConfiguration, FlowAccessControlConfigurationPolicy, IpAddressRange,
// OpenAuthenticationAccessPolicies; FlowEndpointsConfiguration, FlowEndpoints, IpAddress) and its
// example Workflows_Get.json (fixtures/azure-examples). An empty allowedCallerIpAddresses admits
// only other logic apps (Microsoft Learn, "Secure access and data in Azure Logic Apps", "Restrict
// inbound IP addresses"), so it must come back as sent, not dropped. Unknown members are refused
// as Logic Apps deserializes (terraform-provider-azurerm #3004; MicrosoftDocs/azure-docs #61656).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContractViolations } from '../contract/expect-violations.ts';
import { isAddressRange } from '../src/arm/workflow-access-control.ts';
import { regionEndpoints } from '../src/arm/workflow-endpoints.ts';
import { DEMO_RESOURCE_GROUP } from '../src/index.ts';
import { armError, DEFINITION, fixtureBody, type Harness, rgPath, startHarness } from './support/harness.ts';

const RG = DEMO_RESOURCE_GROUP;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.emu.close();
});

const ACCESS_CONTROL = {
  triggers: {
    allowedCallerIpAddresses: [{ addressRange: '203.0.113.0/24' }, { addressRange: '2001:db8::/48' }],
    openAuthenticationPolicies: {
      policies: {
        partner: {
          type: 'AAD',
          claims: [
            { name: 'iss', value: 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/' },
            { name: 'aud', value: 'api://partner' },
          ],
        },
      },
    },
  },
  contents: { allowedCallerIpAddresses: [] },
  actions: { allowedCallerIpAddresses: [{ addressRange: '198.51.100.1-198.51.100.9' }] },
  workflowManagement: { allowedCallerIpAddresses: [{ addressRange: '192.0.2.10' }] },
};

const workflowPath = (name: string) =>
  `${rgPath(h.emu, RG)}/providers/Microsoft.Logic/workflows/${name}?api-version=2019-05-01`;

describe('workflows: accessControl', () => {
  it('round-trips through the SDK as sent, an empty range list included', async () => {
    await h.logic.workflows.createOrUpdate(RG, 'ac-round-trip', {
      location: 'westeurope',
      definition: DEFINITION,
      accessControl: ACCESS_CONTROL,
    });
    const got = await h.logic.workflows.get(RG, 'ac-round-trip');
    expect(got.accessControl).toEqual(ACCESS_CONTROL);
  });

  it('a PUT without accessControl removes it (replace semantics)', async () => {
    await h.logic.workflows.createOrUpdate(RG, 'ac-round-trip', {
      location: 'westeurope',
      definition: DEFINITION,
    });
    const got = await h.logic.workflows.get(RG, 'ac-round-trip');
    expect(got.accessControl).toBeUndefined();
  });

  it.each([
    ['an octet over 255', '203.0.113.256'],
    ['a prefix over 32', '203.0.113.0/33'],
    ['a host name', 'partner.example'],
    ['an IPv6 hyphen range', '2001:db8::1-2001:db8::9'],
  ])(
    'an address range with %s is 400 InvalidAccessControlConfiguration and changes nothing',
    async (_what, range) => {
      await expect(
        h.logic.workflows.createOrUpdate(RG, 'ac-bad-range', {
          location: 'westeurope',
          definition: DEFINITION,
          accessControl: { triggers: { allowedCallerIpAddresses: [{ addressRange: range }] } },
        }),
      ).rejects.toMatchObject({
        ...armError(400, 'InvalidAccessControlConfiguration'),
        message: expect.stringContaining(`'${range}'`),
      });
      expect(Object.values(h.emu.state.workflows).some((w) => w.name === 'ac-bad-range')).toBe(false);
    },
  );

  it('a claim with `values` (not `value`) is 400 InvalidRequestContent naming the member and its type', async () => {
    const answer = await h.arm('PUT', workflowPath('ac-bad-claim'), {
      location: 'westeurope',
      properties: {
        definition: DEFINITION,
        accessControl: {
          triggers: {
            openAuthenticationPolicies: {
              policies: {
                p: { type: 'AAD', claims: [{ name: 'aud', values: 'https://management.core.windows.net/' }] },
              },
            },
          },
        },
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 'InvalidRequestContent',
        message: expect.stringContaining(
          "Could not find member 'values' on object of type 'OpenAuthenticationPolicyClaim'. Path 'properties.accessControl.triggers.openAuthenticationPolicies.policies.p.claims[0].values'",
        ),
      },
    });
  });

  it('a provider other than AAD is refused', async () => {
    const answer = await h.arm('PUT', workflowPath('ac-bad-type'), {
      location: 'westeurope',
      properties: {
        definition: DEFINITION,
        accessControl: {
          triggers: { openAuthenticationPolicies: { policies: { p: { type: 'Google', claims: [] } } } },
        },
      },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 'InvalidRequestContent',
        message: expect.stringContaining("'OpenAuthenticationProviderType'"),
      },
    });
    // The REST spec's enum says the same about the request (the contract check saw it).
    const [violation] = expectContractViolations(
      (v) => v.operation === 'Workflows_CreateOrUpdate@2019-05-01',
    );
    expect(violation?.pointer).toBe(
      '/properties/accessControl/triggers/openAuthenticationPolicies/policies/p/type',
    );
  });

  it('accepts addresses, CIDR ranges and IPv4 ranges; refuses the rest', () => {
    for (const ok of [
      '10.0.0.1',
      '10.0.0.0/8',
      '0.0.0.0/0',
      '2001:db8::1',
      '2001:db8::/128',
      '10.0.0.1-10.0.0.9',
    ])
      expect(isAddressRange(ok), ok).toBe(true);
    for (const bad of [
      '',
      '10.0.0.0/',
      '10.0.0.0/x',
      '2001:db8::/129',
      '10.0.0.1-',
      '10.0.0.1-10.0.0.2-10.0.0.3',
      '*',
    ])
      expect(isAddressRange(bad), bad).toBe(false);
  });
});

describe('workflows: endpointsConfiguration', () => {
  it('brazilsouth answers with the REST spec example addresses', async () => {
    await h.arm('PUT', `${rgPath(h.emu, 'brazil-rg')}?api-version=2021-04-01`, { location: 'brazilsouth' });
    await h.logic.workflows.createOrUpdate('brazil-rg', 'ep-example', {
      location: 'brazilsouth',
      definition: DEFINITION,
    });
    const answer = await h.arm(
      'GET',
      `${rgPath(h.emu, 'brazil-rg')}/providers/Microsoft.Logic/workflows/ep-example?api-version=2019-05-01`,
    );
    const example = fixtureBody('Workflows_Get.json') as { properties: { endpointsConfiguration: unknown } };
    expect((answer.body as typeof example).properties.endpointsConfiguration).toEqual(
      example.properties.endpointsConfiguration,
    );
  });

  it('every region has its own addresses, the same for every workflow there, whatever a PUT sent', async () => {
    const sent = { workflow: { outgoingIpAddresses: [{ address: '192.0.2.200' }] } };
    await h.logic.workflows.createOrUpdate(RG, 'ep-a', { location: 'westeurope', definition: DEFINITION });
    await h.logic.workflows.createOrUpdate(RG, 'ep-b', {
      location: 'westeurope',
      definition: DEFINITION,
      endpointsConfiguration: sent,
    });
    const a = await h.logic.workflows.get(RG, 'ep-a');
    const b = await h.logic.workflows.get(RG, 'ep-b');
    const westeurope = regionEndpoints('westeurope');
    expect(a.endpointsConfiguration).toEqual(b.endpointsConfiguration);
    expect(a.endpointsConfiguration?.workflow?.outgoingIpAddresses?.map((ip) => ip.address)).toEqual(
      westeurope.workflowOutgoing,
    );
    expect(a.endpointsConfiguration?.connector?.outgoingIpAddresses?.map((ip) => ip.address)).toEqual(
      westeurope.connectorOutgoing,
    );
    expect(regionEndpoints('northeurope')).not.toEqual(westeurope);
    for (const address of [...westeurope.workflowOutgoing, ...westeurope.accessEndpoint])
      expect(isAddressRange(address)).toBe(true);
  });
});
