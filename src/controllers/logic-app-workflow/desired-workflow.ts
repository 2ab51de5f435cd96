// The workflow Azure should hold, computed from the spec and what the reconcile resolved
// (the definition's source, the secret URIs of bindings, values from Secrets). Pure and table-tested: no I/O, no
// clock, no logging — parameter values may be sensitive, so nothing here ever prints them.
import type { DesiredWorkflow, WorkflowParameterValue } from '../../azure/index.ts';
import type { LogicAppWorkflowSpec, RunHistoryExposure, WorkflowDefinition } from '../../crds/index.ts';
import { OWNER_TAG } from '../../vocabulary.ts';
import { desiredAccessControl } from './access-control.ts';
import { CONNECTIONS_PARAMETER, type ConnectionParameterEntry } from './connections-parameter.ts';
import { secureRunHistory } from './secure-run-history.ts';

export interface DesiredWorkflowInput {
  spec: LogicAppWorkflowSpec;
  /** The definition, inline or read from the ConfigMap. */
  definition: WorkflowDefinition;
  /** `<cluster-id>/<namespace>/<name>`: the owner tag's value. */
  owner: string;
  /** Parameter name → versionless secret URI, from bindings that ask for injection. */
  secretUris?: Readonly<Record<string, string>>;
  /** Parameter name → value read from a Secret key (spec.parametersFrom). */
  secretParameters?: Readonly<Record<string, unknown>>;
  /** The `$connections` value from spec.connections (connections-parameter.ts). */
  connectionsParameter?: Readonly<Record<string, ConnectionParameterEntry>>;
}

export interface WorkflowPlan {
  desired: DesiredWorkflow;
  /**
   * Actions whose secret data Azure cannot hide in run history (secure-run-history.ts), to be
   * reported; undefined when secureRunHistory is off (nothing is analysed then).
   */
  exposedInRunHistory: RunHistoryExposure[] | undefined;
}

export function desiredWorkflow(input: DesiredWorkflowInput): DesiredWorkflow {
  return planWorkflow(input).desired;
}

/** The desired workflow, and what the definition leaves visible in run history. */
export function planWorkflow(input: DesiredWorkflowInput): WorkflowPlan {
  const { spec, owner } = input;
  const secretUris = input.secretUris ?? {};
  const parameters: Record<string, WorkflowParameterValue> = {};
  for (const [name, value] of Object.entries(spec.parameters ?? {})) parameters[name] = { value };
  for (const [name, value] of Object.entries(input.secretParameters ?? {})) parameters[name] = { value };
  // A binding's secret URI wins over a value typed into spec.parameters: the binding is the
  // declared source of truth for that parameter.
  for (const [name, uri] of Object.entries(secretUris)) parameters[name] = { value: uri };
  // spec.parameters cannot also set it: connections-parameter.ts refuses that spec.
  if (input.connectionsParameter) {
    parameters[CONNECTIONS_PARAMETER] = { value: structuredClone(input.connectionsParameter) };
  }

  // The `$connections` value as it will be written, so Key Vault connector actions are found too.
  const secured =
    spec.secureRunHistory === false
      ? undefined
      : secureRunHistory(input.definition, {
          vaultUriParameters: Object.keys(secretUris),
          connections: parameters[CONNECTIONS_PARAMETER]?.value,
        });
  const definition = secured?.definition ?? structuredClone(input.definition);

  const identityType = spec.identity?.type ?? 'SystemAssigned';
  const identity: DesiredWorkflow['identity'] =
    identityType === 'UserAssigned' && spec.identity.userAssignedIdentityId
      ? { type: 'UserAssigned', userAssignedIdentityId: spec.identity.userAssignedIdentityId }
      : { type: identityType };

  const desired: DesiredWorkflow = {
    location: spec.location,
    // The owner tag goes last: the CRD forbids user tags starting with `logicops`, and even if
    // one slipped through it could not overwrite ownership.
    tags: { ...(spec.tags ?? {}), [OWNER_TAG]: owner },
    identity,
    state: spec.state ?? 'Enabled',
    definition,
    parameters,
  };
  // Unset in the spec: unmanaged, and what Azure holds is carried over (preserved-properties.ts).
  const accessControl = desiredAccessControl(spec.accessControl);
  if (accessControl) desired.accessControl = accessControl;
  return { desired, exposedInRunHistory: secured?.exposed };
}
