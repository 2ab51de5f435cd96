// Admission rules of LogicAppWorkflow spec.accessControl, with accepted and rejected variants.
// The shapes are Azure's (azure-rest-api-specs, Microsoft.Logic/stable/2019-05-01/logic.json:
// FlowAccessControlConfiguration, IpAddressRange, OpenAuthenticationAccessPolicies); an empty
// allowedCallerIpAddresses admits only other logic apps (Microsoft Learn, "Secure access and data
// in Azure Logic Apps", "Restrict inbound IP addresses"), so it must be accepted.
import { ACCESS_CONTROL_EXAMPLE } from '../../../../src/crds/logic-app-workflow/examples.ts';
import type { AnyObject } from '../support/admission.ts';
import { workflow } from '../support/fixtures.ts';
import type { RuleCase } from './rule-case.ts';

const base = () => workflow('access-control');
const ranges = (...addressRanges: string[]) => addressRanges.map((addressRange) => ({ addressRange }));
const triggerRanges = (o: AnyObject, ...addressRanges: string[]) => {
  o.spec.accessControl = { triggers: { allowedCallerIpAddresses: ranges(...addressRanges) } };
};
const ISSUER = 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/';
const withPolicies = (o: AnyObject, policies: Record<string, unknown>) => {
  o.spec.accessControl = { triggers: { openAuthenticationPolicies: { policies } } };
};
const policy = (claims: Array<{ name: string; value: string }>, type?: string) => ({
  ...(type === undefined ? {} : { type }),
  claims,
});

export const accessControlRules: RuleCase[] = [
  {
    rule: 'addressRange is an IP address, a CIDR range or an IPv4 range',
    base,
    accepted: [
      (o) => triggerRanges(o, '203.0.113.7'),
      (o) => triggerRanges(o, '203.0.113.0/24', '2001:db8::/48', '2001:DB8::1'),
      (o) => triggerRanges(o, '203.0.113.1-203.0.113.9'),
      (o) => triggerRanges(o),
      // The API reference's worked example.
      (o) => (o.spec.accessControl = structuredClone(ACCESS_CONTROL_EXAMPLE)),
      (o) => {
        o.spec.accessControl = {
          contents: { allowedCallerIpAddresses: ranges('198.51.100.0/24') },
          actions: { allowedCallerIpAddresses: [] },
          workflowManagement: { allowedCallerIpAddresses: ranges('192.0.2.10') },
        };
      },
    ],
    rejected: [
      (o) => triggerRanges(o, '203.0.113.256'),
      (o) => triggerRanges(o, '203.0.113.0/33'),
      (o) => triggerRanges(o, 'partner.example'),
      (o) => triggerRanges(o, '2001:db8::1-2001:db8::9'),
      (o) => triggerRanges(o, '203.0.113.1 - 203.0.113.9'),
      (o) => triggerRanges(o, '*'),
    ],
    field: 'spec.accessControl.triggers.allowedCallerIpAddresses[0].addressRange',
    message:
      'addressRange must be an IPv4 or IPv6 address (203.0.113.7, 2001:db8::1), a CIDR range (203.0.113.0/24, 2001:db8::/48) or an IPv4 range (203.0.113.1-203.0.113.9)',
  },
  {
    rule: 'an authorization policy names the issuer claim',
    base,
    accepted: [
      (o) => withPolicies(o, { partner: policy([{ name: 'iss', value: ISSUER }]) }),
      (o) =>
        withPolicies(o, {
          partner: policy(
            [
              { name: 'aud', value: 'https://management.core.windows.net/' },
              { name: 'iss', value: ISSUER },
            ],
            'AAD',
          ),
        }),
    ],
    rejected: [(o) => withPolicies(o, { partner: policy([{ name: 'aud', value: 'api://partner' }]) })],
    field: 'spec.accessControl.triggers.openAuthenticationPolicies.policies[partner].claims',
    message:
      'an authorization policy must include the iss (issuer) claim, e.g. https://sts.windows.net/<tenant id>/',
  },
  {
    rule: 'an authorization policy is of type AAD',
    base,
    accepted: [(o) => withPolicies(o, { partner: policy([{ name: 'iss', value: ISSUER }], 'AAD') })],
    rejected: [(o) => withPolicies(o, { partner: policy([{ name: 'iss', value: ISSUER }], 'Google') })],
    field: 'spec.accessControl.triggers.openAuthenticationPolicies.policies[partner].type',
    message: 'type must be AAD (Microsoft Entra ID), the only provider Azure offers',
  },
  {
    rule: 'at most 5 authorization policies',
    base,
    accepted: [
      (o) =>
        withPolicies(
          o,
          Object.fromEntries(
            ['a', 'b', 'c', 'd', 'e'].map((n) => [n, policy([{ name: 'iss', value: ISSUER }])]),
          ),
        ),
    ],
    rejected: [
      (o) =>
        withPolicies(
          o,
          Object.fromEntries(
            ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, policy([{ name: 'iss', value: ISSUER }])]),
          ),
        ),
    ],
    field: 'spec.accessControl.triggers.openAuthenticationPolicies.policies',
    message: 'must have at most 5 items',
  },
  {
    rule: 'authorization policy names are 1-128 characters',
    base,
    accepted: [(o) => withPolicies(o, { ['p'.repeat(128)]: policy([{ name: 'iss', value: ISSUER }]) })],
    rejected: [(o) => withPolicies(o, { ['p'.repeat(129)]: policy([{ name: 'iss', value: ISSUER }]) })],
    field: 'spec.accessControl.triggers.openAuthenticationPolicies.policies',
    message: 'authorization policy names must be 1-128 characters',
  },
];
