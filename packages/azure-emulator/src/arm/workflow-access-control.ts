// properties.accessControl of a workflow: checked as Logic Apps deserializes it, stored and
// answered as sent (a round trip). The shape is the REST spec's (azure-rest-api-specs,
// Microsoft.Logic/stable/2019-05-01/logic.json: FlowAccessControlConfiguration,
// FlowAccessControlConfigurationPolicy, IpAddressRange, OpenAuthenticationAccessPolicies,
// OpenAuthenticationAccessPolicy, OpenAuthenticationPolicyClaim; OpenAuthenticationProviderType
// has the one value AAD).
//
// * A member the type does not have is 400 InvalidRequestContent naming the member, the type and
//   the path, as Logic Apps answers ("Could not find member 'allowedCallerIpAddresses' on object
//   of type 'FlowTemplateTrigger'. Path '…'": hashicorp/terraform-provider-azurerm #3004; a claim
//   written with `values` instead of `value` fails the same way: MicrosoftDocs/azure-docs #61656).
// * An address range that is not an IPv4/IPv6 address, a CIDR range or an IPv4 range `a-b` (what
//   the portal's "Specific IP ranges" accepts) is 400 InvalidAccessControlConfiguration. That code
//   and wording are the emulator's: Azure's answer is not in its docs or the REST spec.
import { isIP } from 'node:net';
import { ArmError, armErrors } from '../errors.ts';
import { isObject, type Json } from './common.ts';

const SECTIONS = ['triggers', 'contents', 'actions', 'workflowManagement'];

export function checkAccessControl(accessControl: unknown): void {
  const path = 'properties.accessControl';
  const root = objectOf(accessControl, 'FlowAccessControlConfiguration', path);
  onlyMembers(root, SECTIONS, 'FlowAccessControlConfiguration', path);
  for (const section of SECTIONS) {
    if (root[section] === undefined || root[section] === null) continue;
    checkPolicy(root[section], `${path}.${section}`);
  }
}

function checkPolicy(value: unknown, path: string): void {
  const type = 'FlowAccessControlConfigurationPolicy';
  const policy = objectOf(value, type, path);
  onlyMembers(policy, ['allowedCallerIpAddresses', 'openAuthenticationPolicies'], type, path);
  const ranges = policy.allowedCallerIpAddresses;
  if (ranges !== undefined && ranges !== null) {
    if (!Array.isArray(ranges))
      throw deserialization(`Expected an array at '${path}.allowedCallerIpAddresses'`);
    ranges.forEach((entry, index) => {
      const at = `${path}.allowedCallerIpAddresses[${index}]`;
      const range = objectOf(entry, 'IpAddressRange', at);
      onlyMembers(range, ['addressRange'], 'IpAddressRange', at);
      if (typeof range.addressRange !== 'string' || !isAddressRange(range.addressRange)) {
        throw new ArmError(
          400,
          'InvalidAccessControlConfiguration',
          `The IP address range '${String(range.addressRange)}' at '${at}.addressRange' is not valid: use an IPv4 or IPv6 address, a CIDR range or an IPv4 range such as '10.0.0.1-10.0.0.9'.`,
        );
      }
    });
  }
  if (policy.openAuthenticationPolicies !== undefined && policy.openAuthenticationPolicies !== null)
    checkOpenAuthentication(policy.openAuthenticationPolicies, `${path}.openAuthenticationPolicies`);
}

function checkOpenAuthentication(value: unknown, path: string): void {
  const container = objectOf(value, 'OpenAuthenticationAccessPolicies', path);
  onlyMembers(container, ['policies'], 'OpenAuthenticationAccessPolicies', path);
  if (container.policies === undefined || container.policies === null) return;
  const policies = objectOf(container.policies, 'OpenAuthenticationAccessPolicies', `${path}.policies`);
  for (const [name, entry] of Object.entries(policies)) {
    const at = `${path}.policies.${name}`;
    const policy = objectOf(entry, 'OpenAuthenticationAccessPolicy', at);
    onlyMembers(policy, ['type', 'claims'], 'OpenAuthenticationAccessPolicy', at);
    if (policy.type !== undefined && policy.type !== 'AAD') {
      throw deserialization(
        `Error converting value "${String(policy.type)}" to type 'OpenAuthenticationProviderType'. Path '${at}.type'`,
      );
    }
    const claims = policy.claims ?? [];
    if (!Array.isArray(claims)) throw deserialization(`Expected an array at '${at}.claims'`);
    claims.forEach((claim, index) => {
      const claimPath = `${at}.claims[${index}]`;
      onlyMembers(
        objectOf(claim, 'OpenAuthenticationPolicyClaim', claimPath),
        ['name', 'value'],
        'OpenAuthenticationPolicyClaim',
        claimPath,
      );
    });
  }
}

/** IPv4/IPv6, CIDR (prefix within the family's bits), or an IPv4 range `a-b`. */
export function isAddressRange(text: string): boolean {
  if (isIP(text) !== 0) return true;
  const slash = text.split('/');
  if (slash.length === 2) {
    const family = isIP(slash[0] ?? '');
    const prefix = slash[1] ?? '';
    if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
    return Number(prefix) <= (family === 4 ? 32 : 128);
  }
  const dash = text.split('-');
  return dash.length === 2 && isIP(dash[0] ?? '') === 4 && isIP(dash[1] ?? '') === 4;
}

function objectOf(value: unknown, type: string, path: string): Json {
  if (!isObject(value)) throw deserialization(`Expected an object of type '${type}'. Path '${path}'`);
  return value;
}

function onlyMembers(value: Json, members: readonly string[], type: string, path: string): void {
  for (const key of Object.keys(value)) {
    if (!members.includes(key))
      throw deserialization(
        `Could not find member '${key}' on object of type '${type}'. Path '${path}.${key}'`,
      );
  }
}

function deserialization(detail: string): ArmError {
  return armErrors.invalidRequestContent(detail);
}
