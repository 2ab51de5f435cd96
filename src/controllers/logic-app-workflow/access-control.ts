// spec.accessControl → Azure's properties.accessControl, and the comparison the diff uses. Pure.
//
// Compared for meaning, not bytes, so a workflow in sync is never written again:
// * a section with nothing in it (`triggers: {}`, `openAuthenticationPolicies: { policies: {} }`)
//   restricts nothing, the same as no section;
// * the order of address ranges and of claims carries no meaning (Azure admits a caller matching
//   any range, and a token matching all claims of any policy), and IPv6 text is case-insensitive;
// * an empty allowedCallerIpAddresses is NOT nothing: it admits only other logic apps (Microsoft
//   Learn, "Secure access and data in Azure Logic Apps", "Restrict inbound IP addresses").
import type { WorkflowAccessControlModel } from '../../azure/index.ts';
import type { WorkflowAccessControl } from '../../crds/index.ts';
import { canonicalJson } from './desired-digest.ts';

const SECTIONS = ['triggers', 'contents', 'actions', 'workflowManagement'] as const;

/** What Azure should hold; undefined when the spec leaves access control unmanaged. */
export function desiredAccessControl(
  accessControl: WorkflowAccessControl | undefined,
): WorkflowAccessControlModel | undefined {
  if (accessControl === undefined) return undefined;
  return comparable(accessControl as WorkflowAccessControlModel, { sort: false });
}

/** Whether Azure's access control means what the desired one does. */
export function sameAccessControl(
  desired: WorkflowAccessControlModel,
  observed: WorkflowAccessControlModel | undefined,
): boolean {
  return (
    canonicalJson(comparable(desired, { sort: true })) ===
    canonicalJson(comparable(observed ?? {}, { sort: true }))
  );
}

/** Empty parts dropped; with `sort`, lists in a canonical order and addresses in lower case. */
function comparable(accessControl: WorkflowAccessControlModel, options: { sort: boolean }) {
  const result: WorkflowAccessControlModel = {};
  for (const section of SECTIONS) {
    const policy = accessControl[section];
    if (!policy) continue;
    const kept: NonNullable<WorkflowAccessControlModel[typeof section]> = {};
    if (Array.isArray(policy.allowedCallerIpAddresses)) {
      const ranges = policy.allowedCallerIpAddresses.map((range) => ({
        addressRange: options.sort
          ? String(range.addressRange ?? '').toLowerCase()
          : String(range.addressRange ?? ''),
      }));
      kept.allowedCallerIpAddresses = options.sort ? sortBy(ranges, (r) => r.addressRange) : ranges;
    }
    const policies = policy.openAuthenticationPolicies?.policies ?? {};
    if (Object.keys(policies).length > 0) {
      kept.openAuthenticationPolicies = {
        policies: Object.fromEntries(
          Object.entries(policies).map(([name, entry]) => {
            const claims = (entry.claims ?? []).map((claim) => ({ name: claim.name, value: claim.value }));
            return [
              name,
              {
                type: options.sort ? String(entry.type ?? 'AAD').toUpperCase() : (entry.type ?? 'AAD'),
                claims: options.sort ? sortBy(claims, (c) => `${c.name}\u0000${c.value}`) : claims,
              },
            ];
          }),
        ),
      };
    }
    if (Object.keys(kept).length > 0) result[section] = kept;
  }
  return result;
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
