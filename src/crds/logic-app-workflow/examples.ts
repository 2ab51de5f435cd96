// Worked examples of LogicAppWorkflow fields for docs/api-reference.md. The objects are typed
// against the API and the CRD validation test admits them through the real API server, so the
// page cannot show an example that would be refused.
import { stringify } from 'yaml';
import type { WorkflowAccessControl, WorkflowIpAddresses } from './types.ts';

/** A partner calls a Request trigger from its network with an Entra ID token; run contents stay in-house. */
export const ACCESS_CONTROL_EXAMPLE: WorkflowAccessControl = {
  triggers: {
    allowedCallerIpAddresses: [{ addressRange: '203.0.113.0/24' }, { addressRange: '2001:db8:40::/48' }],
    openAuthenticationPolicies: {
      policies: {
        partner: {
          type: 'AAD',
          claims: [
            { name: 'iss', value: 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/' },
            { name: 'aud', value: 'api://partner-orders' },
          ],
        },
      },
    },
  },
  contents: { allowedCallerIpAddresses: [{ addressRange: '198.51.100.0/24' }] },
  actions: { allowedCallerIpAddresses: [] },
};

const IP_ADDRESSES_EXAMPLE: WorkflowIpAddresses = {
  workflowOutbound: ['198.51.100.17', '198.51.100.42', '198.51.100.77'],
  connectorOutbound: ['192.0.2.32/28'],
  accessEndpoint: ['203.0.113.12', '203.0.113.57', '203.0.113.201'],
};

export function logicAppWorkflowExamples(): string {
  return [
    '### Worked example: access control and outbound addresses',
    '',
    "A partner calls the workflow's Request trigger from `203.0.113.0/24` (or its IPv6 range) with an Entra ID token",
    'issued by its tenant for `api://partner-orders`; only the company network `198.51.100.0/24` may read run inputs and',
    'outputs; no one but other logic apps may call actions (an empty list). Everything else in the spec is as usual:',
    '',
    '```yaml',
    stringify({ spec: { accessControl: ACCESS_CONTROL_EXAMPLE } }).trimEnd(),
    '```',
    '',
    'logicops writes this to `properties.accessControl` with the workflow and restores it if it is changed elsewhere',
    '(Event `DriftCorrected`). Without `accessControl` in the spec, whatever Azure holds is kept on every write;',
    "`accessControl: {}` removes all restrictions. The partner allow-lists the workflow's outgoing addresses, which",
    'status reports as Azure answers them for the region:',
    '',
    '```yaml',
    stringify({ status: { ipAddresses: IP_ADDRESSES_EXAMPLE } }).trimEnd(),
    '```',
    '',
    '`kubectl get law -o wide` adds the `Outbound-IPs` and `Connector-IPs` columns.',
    '',
  ].join('\n');
}
