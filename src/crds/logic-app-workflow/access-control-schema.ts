// Schema of spec.accessControl: Azure's FlowAccessControlConfiguration as an ARM template writes it
// (azure-rest-api-specs, specification/logic/resource-manager/Microsoft.Logic/stable/2019-05-01/
// logic.json: FlowAccessControlConfiguration, FlowAccessControlConfigurationPolicy,
// IpAddressRange, OpenAuthenticationAccessPolicies, OpenAuthenticationAccessPolicy,
// OpenAuthenticationPolicyClaim, OpenAuthenticationProviderType = AAD), so a team copies its
// template's block unchanged. Microsoft Learn, "Secure access and data in Azure Logic Apps":
// "Restrict inbound IP addresses" (an empty allowedCallerIpAddresses admits only other logic
// apps) and "Enable OAuth with Microsoft Entra ID" (authorization policies of Request triggers,
// which must name the issuer claim).
import { object, string } from '../schema/builders.ts';
import type { JsonSchema } from '../schema/json-schema.ts';
import type {
  AccessControlPolicy,
  IpAddressRange,
  OpenAuthenticationClaim,
  OpenAuthenticationPolicy,
  TriggerAccessControlPolicy,
  WorkflowAccessControl,
} from './types.ts';

/** Bounds that keep the object small; generous next to what one workflow needs. */
export const ACCESS_CONTROL_LIMITS = {
  addressRanges: 100,
  addressRangeLength: 100,
  policies: 5,
  claims: 10,
  claimNameLength: 128,
  claimValueLength: 512,
  policyNameLength: 128,
} as const;

// isIP/isCIDR/ip() are the Kubernetes CEL IP and CIDR libraries (Kubernetes 1.31+): they accept
// what Go's net/netip parses, refusing zones and IPv4-mapped IPv6. An IPv4 range `a-b` is what the
// portal's "specific IP ranges" box also takes.
const ADDRESS_RANGE_RULE =
  "isIP(self) || isCIDR(self) || (size(self.split('-')) == 2 && isIP(self.split('-')[0]) && isIP(self.split('-')[1]) && ip(self.split('-')[0]).family() == 4 && ip(self.split('-')[1]).family() == 4)";

export const ADDRESS_RANGE_MESSAGE =
  'addressRange must be an IPv4 or IPv6 address (203.0.113.7, 2001:db8::1), a CIDR range (203.0.113.0/24, 2001:db8::/48) or an IPv4 range (203.0.113.1-203.0.113.9)';

const allowedCallerIpAddresses: JsonSchema = {
  type: 'array',
  description: `Caller address ranges allowed (at most ${ACCESS_CONTROL_LIMITS.addressRanges}). An empty list admits only other logic apps; leave the field out to admit any caller.`,
  maxItems: ACCESS_CONTROL_LIMITS.addressRanges,
  'x-kubernetes-list-type': 'atomic',
  items: object(
    'One allowed range.',
    {
      addressRange: string('IPv4 or IPv6 address, CIDR range, or IPv4 range a.b.c.d-e.f.g.h.', {
        minLength: 1,
        maxLength: ACCESS_CONTROL_LIMITS.addressRangeLength,
        'x-kubernetes-validations': [{ rule: ADDRESS_RANGE_RULE, message: ADDRESS_RANGE_MESSAGE }],
      }),
    } satisfies Record<keyof IpAddressRange, JsonSchema>,
    { required: ['addressRange'] },
  ),
};

const policy = (what: string) =>
  object(`Who may ${what}.`, { allowedCallerIpAddresses } satisfies Record<
    keyof AccessControlPolicy,
    JsonSchema
  >);

const claim = object(
  'A claim the caller token must carry with exactly this value.',
  {
    name: string('Claim name as in the token: iss, aud, appid, or another claim.', {
      minLength: 1,
      maxLength: ACCESS_CONTROL_LIMITS.claimNameLength,
    }),
    value: string('The value the claim must have.', { maxLength: ACCESS_CONTROL_LIMITS.claimValueLength }),
  } satisfies Record<keyof OpenAuthenticationClaim, JsonSchema>,
  { required: ['name', 'value'] },
);

const authorizationPolicy = object(
  'One Entra ID authorization policy: a caller token matching all its claims may call the Request triggers.',
  {
    // A CEL rule, not an enum: the message can say what to write.
    type: string('The identity provider: AAD (Microsoft Entra ID), the only one Azure offers.', {
      default: 'AAD',
      maxLength: 16,
      'x-kubernetes-validations': [
        {
          rule: "self == 'AAD'",
          message: 'type must be AAD (Microsoft Entra ID), the only provider Azure offers',
        },
      ],
    }),
    claims: {
      type: 'array',
      description: `The claims to match (at most ${ACCESS_CONTROL_LIMITS.claims}); iss (the issuer) is required.`,
      minItems: 1,
      maxItems: ACCESS_CONTROL_LIMITS.claims,
      'x-kubernetes-list-type': 'atomic',
      items: claim,
    },
  } satisfies Record<keyof OpenAuthenticationPolicy, JsonSchema>,
  {
    required: ['claims'],
    'x-kubernetes-validations': [
      {
        rule: "self.claims.exists(c, c.name == 'iss')",
        message:
          'an authorization policy must include the iss (issuer) claim, e.g. https://sts.windows.net/<tenant id>/',
        fieldPath: '.claims',
        reason: 'FieldValueRequired',
      },
    ],
  },
);

const triggers = object('Who may call the workflow triggers (Request triggers included).', {
  allowedCallerIpAddresses,
  openAuthenticationPolicies: object(
    'Entra ID OAuth: callers presenting a token that matches one policy may call Request triggers.',
    {
      policies: {
        type: 'object',
        description: `Policies by name (at most ${ACCESS_CONTROL_LIMITS.policies}).`,
        maxProperties: ACCESS_CONTROL_LIMITS.policies,
        additionalProperties: authorizationPolicy,
        'x-kubernetes-validations': [
          {
            rule: `self.all(name, size(name) >= 1 && size(name) <= ${ACCESS_CONTROL_LIMITS.policyNameLength})`,
            message: `authorization policy names must be 1-${ACCESS_CONTROL_LIMITS.policyNameLength} characters`,
          },
        ],
      },
    },
    { required: ['policies'] },
  ),
} satisfies Record<keyof TriggerAccessControlPolicy, JsonSchema>);

export const accessControlSchema = object(
  'Inbound access to the workflow (Azure properties.accessControl), as an ARM template writes it. When set, logicops manages all of it: a section left out is removed in Azure, and a change made outside logicops is restored with a DriftCorrected Event ({} removes every restriction). When unset, logicops keeps whatever Azure holds.',
  {
    triggers,
    contents: policy('read run inputs and outputs (run history contents)'),
    actions: policy('call the workflow actions (resubmit, and the like)'),
    workflowManagement: policy('manage the workflow through its management endpoints'),
  } satisfies Record<keyof WorkflowAccessControl, JsonSchema>,
);
