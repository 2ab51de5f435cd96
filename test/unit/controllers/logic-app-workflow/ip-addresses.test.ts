// status.ipAddresses from endpointsConfiguration as Azure answers it (REST spec
// FlowEndpointsConfiguration; the example Workflows_Get.json lists connector outgoing addresses
// without access-endpoint ones), bounded as the status schema bounds it.
import { describe, expect, it } from 'vitest';
import type { ObservedWorkflow } from '../../../../src/azure/index.ts';
import { ipAddressesOf } from '../../../../src/controllers/logic-app-workflow/ip-addresses.ts';
import { MAX_STATUS_IP_ADDRESSES } from '../../../../src/crds/index.ts';

const observed = (endpointsConfiguration?: ObservedWorkflow['endpointsConfiguration']): ObservedWorkflow => ({
  id: 'id',
  name: 'wf',
  location: 'brazilsouth',
  tags: {},
  identity: { type: 'None' },
  parameters: {},
  ...(endpointsConfiguration ? { endpointsConfiguration } : {}),
});

describe('ipAddressesOf', () => {
  it('maps the workflow, connector and access-endpoint lists', () => {
    expect(
      ipAddressesOf(
        observed({
          workflow: {
            outgoingIpAddresses: ['13.84.159.168', '13.65.86.56'],
            accessEndpointIpAddresses: ['104.210.153.89'],
          },
          connector: { outgoingIpAddresses: ['40.84.145.61'] },
        }),
      ),
    ).toEqual({
      workflowOutbound: ['13.84.159.168', '13.65.86.56'],
      connectorOutbound: ['40.84.145.61'],
      accessEndpoint: ['104.210.153.89'],
    });
  });

  it('leaves out what Azure does not report, and is undefined without endpointsConfiguration', () => {
    expect(ipAddressesOf(observed({ connector: { outgoingIpAddresses: ['40.84.145.61'] } }))).toEqual({
      connectorOutbound: ['40.84.145.61'],
    });
    expect(ipAddressesOf(observed())).toBeUndefined();
  });

  it('keeps within the status schema: at most the bound, no address over 64 characters', () => {
    const many = Array.from({ length: MAX_STATUS_IP_ADDRESSES + 5 }, (_, i) => `198.51.100.${i}`);
    const result = ipAddressesOf(observed({ workflow: { outgoingIpAddresses: ['x'.repeat(65), ...many] } }));
    expect(result?.workflowOutbound).toEqual(many.slice(0, MAX_STATUS_IP_ADDRESSES));
  });
});
