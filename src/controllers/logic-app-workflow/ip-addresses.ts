// status.ipAddresses from what Azure reports in properties.endpointsConfiguration: the region's
// outgoing addresses of the workflow and of managed connectors, and its access-endpoint
// addresses — what a partner puts in an allow-list. Bounded as the schema bounds them, so a
// long list from Azure can never make a status write fail.
import type { EndpointAddresses, ObservedWorkflow } from '../../azure/index.ts';
import { MAX_STATUS_IP_ADDRESSES, type WorkflowIpAddresses } from '../../crds/index.ts';

const MAX_ADDRESS_LENGTH = 64;

export function ipAddressesOf(observed: ObservedWorkflow): WorkflowIpAddresses | undefined {
  const endpoints = observed.endpointsConfiguration;
  if (!endpoints) return undefined;
  const result: WorkflowIpAddresses = {};
  const workflowOutbound = bounded(endpoints.workflow, 'outgoingIpAddresses');
  const connectorOutbound = bounded(endpoints.connector, 'outgoingIpAddresses');
  const accessEndpoint = bounded(endpoints.workflow, 'accessEndpointIpAddresses');
  if (workflowOutbound) result.workflowOutbound = workflowOutbound;
  if (connectorOutbound) result.connectorOutbound = connectorOutbound;
  if (accessEndpoint) result.accessEndpoint = accessEndpoint;
  return result;
}

function bounded(side: EndpointAddresses | undefined, list: keyof EndpointAddresses): string[] | undefined {
  const addresses = side?.[list];
  if (!addresses) return undefined;
  return addresses
    .filter((address) => address.length <= MAX_ADDRESS_LENGTH)
    .slice(0, MAX_STATUS_IP_ADDRESSES);
}
