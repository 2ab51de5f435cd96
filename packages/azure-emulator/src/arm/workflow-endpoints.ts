// properties.endpointsConfiguration: the addresses of the workflow's region, which Azure fills in
// ("All logic apps in the same region use the same IP addresses": Microsoft Learn, "Limits and
// configuration reference for Azure Logic Apps", "Firewall configuration: IP addresses and
// service tags"). The shape is the REST spec's FlowEndpointsConfiguration (workflow and connector
// FlowEndpoints, each a list of IpAddress `{ address }`).
//
// * brazilsouth answers with the REST spec's own example (azure-rest-api-specs, Microsoft.Logic/
//   stable/2019-05-01/examples/Workflows_Get.json; test/fixtures/azure-examples/): three workflow
//   outgoing, three access-endpoint and one connector outgoing address.
// * Every other region gets stand-ins of the same shape from the documentation ranges of RFC 5737
//   (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), derived from the region name so each region
//   has its own. They are not Azure's addresses: the real per-region lists are in the page above
//   and in "Managed connectors outbound IP addresses" (Microsoft Learn, connectors reference).
//
// What a PUT sends for endpointsConfiguration is not kept: the region decides (an assumption, see
// the README's "Known differences").
import { createHash } from 'node:crypto';
import type { Json } from './common.ts';

const REST_EXAMPLE: Readonly<Record<string, RegionEndpoints>> = {
  brazilsouth: {
    workflowOutgoing: ['13.84.159.168', '13.65.86.56', '13.65.82.190'],
    accessEndpoint: ['104.210.153.89', '13.85.79.155', '13.65.39.247'],
    connectorOutgoing: ['40.84.145.61'],
  },
};

export interface RegionEndpoints {
  workflowOutgoing: string[];
  accessEndpoint: string[];
  connectorOutgoing: string[];
}

export function regionEndpoints(location: string): RegionEndpoints {
  const known = REST_EXAMPLE[location];
  if (known) return structuredClone(known);
  const bytes = createHash('sha256').update(location).digest();
  const host = (i: number) => 1 + ((bytes[i] ?? 0) % 250);
  return {
    workflowOutgoing: [0, 1, 2].map((i) => `198.51.100.${host(i)}`),
    accessEndpoint: [3, 4, 5].map((i) => `203.0.113.${host(i)}`),
    // Managed connectors are listed as ranges.
    connectorOutgoing: [`192.0.2.${(host(6) >> 4) << 4}/28`],
  };
}

/** The wire form a workflow read answers. */
export function endpointsConfiguration(location: string): Json {
  const region = regionEndpoints(location);
  const addresses = (list: string[]) => list.map((address) => ({ address }));
  return {
    workflow: {
      outgoingIpAddresses: addresses(region.workflowOutgoing),
      accessEndpointIpAddresses: addresses(region.accessEndpoint),
    },
    connector: { outgoingIpAddresses: addresses(region.connectorOutgoing) },
  };
}
