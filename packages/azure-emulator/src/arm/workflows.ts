// Microsoft.Logic/workflows (Consumption), api-version 2019-05-01. PUT is synchronous
// (201 create / 200 update); PATCH carries no body in the current SDK; the identity is
// SystemAssigned, one UserAssigned, or None, and a system-assigned principal lives and dies
// with its workflow.
import { randomBytes } from 'node:crypto';
import type { EmulatorCore } from '../core.ts';
import { ArmError, armErrors } from '../errors.ts';
import { armKey, parseResourceId, providerResourceId } from '../ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { WorkflowIdentity, WorkflowRecord } from '../state.ts';
import {
  findRequested,
  inScope,
  isObject,
  type Json,
  normalizeLocation,
  readTags,
  requireLocation,
  requireObjectBody,
} from './common.ts';
import { checkWorkflowName } from './names.ts';
import { page } from './paging.ts';
import { requireParameterValues } from './parameter-values.ts';
import { trackedResourceRoutes } from './tracked-resource-routes.ts';
import { checkAccessControl } from './workflow-access-control.ts';
import { accessIdOf } from './workflow-access-id.ts';
import { validateWorkflow } from './workflow-definition.ts';
import { endpointsConfiguration } from './workflow-endpoints.ts';
import { propertiesAsReturned } from './workflow-read-back.ts';
import { forgetRuns } from './workflow-runs-store.ts';

export const LOGIC_API_VERSIONS = ['2016-06-01', '2018-07-01-preview', '2019-05-01'] as const;
const TYPE = 'Microsoft.Logic/workflows';
const WORKFLOW =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows/{name}';
const STATES = new Set(['NotSpecified', 'Completed', 'Enabled', 'Disabled', 'Deleted', 'Suspended']);
/**
 * Writable properties (REST spec WorkflowProperties) kept as sent; everything else under
 * `properties` is read-only and ignored. endpointsConfiguration is writable in the spec but
 * filled in per region (workflow-endpoints.ts).
 */
const WRITABLE = [
  'state',
  'definition',
  'parameters',
  'accessControl',
  'integrationAccount',
  'integrationServiceEnvironment',
  'endpointsConfiguration',
];

/** A workflow as every read answers it (and a PUT's answer): not byte for byte what was sent. */
export function workflowBody(core: EmulatorCore, record: WorkflowRecord) {
  return {
    properties: propertiesAsReturned({ provisioningState: 'Succeeded', ...record.properties }),
    id: record.id,
    name: record.name,
    type: TYPE,
    location: record.location,
    tags: record.tags,
    ...(record.identity ? { identity: identityBody(core, record.identity) } : {}),
  };
}

function identityBody(core: EmulatorCore, identity: WorkflowIdentity) {
  if (identity.type === 'SystemAssigned') {
    return { type: 'SystemAssigned', principalId: identity.principalId, tenantId: identity.tenantId };
  }
  const uami = core.state.userAssignedIdentities[armKey(identity.userAssignedIdentityId)];
  return {
    type: 'UserAssigned',
    userAssignedIdentities: {
      [identity.userAssignedIdentityId]: uami
        ? { principalId: uami.principalId, clientId: uami.clientId }
        : {},
    },
  };
}

/** Deletes a workflow and, with it, its system-assigned principal. */
export function deleteWorkflowRecord(core: EmulatorCore, record: WorkflowRecord): void {
  if (record.identity?.type === 'SystemAssigned') core.deletePrincipal(record.identity.principalId);
  delete core.state.workflows[armKey(record.id)];
  forgetRuns(core, record.id);
  // Its callback keys go too: a workflow re-created under the name signs with new ones.
  delete core.state.workflowAccessKeys[armKey(record.id)];
}

export type RequestedIdentity =
  | { type: 'None' }
  /** `principalId`: seeds only; Azure always makes a new one. */
  | { type: 'SystemAssigned'; principalId?: string }
  | { type: 'UserAssigned'; id: string };

function readIdentity(core: EmulatorCore, body: Json): RequestedIdentity {
  // PUT replaces the resource: no identity block means no identity.
  if (body.identity === undefined || body.identity === null) return { type: 'None' };
  if (!isObject(body.identity) || typeof body.identity.type !== 'string') {
    throw armErrors.badRequest('InvalidIdentity', "The 'identity.type' property is required.");
  }
  const { type, userAssignedIdentities } = body.identity;
  switch (type) {
    case 'None':
      return { type: 'None' };
    case 'SystemAssigned':
      return { type: 'SystemAssigned' };
    case 'UserAssigned': {
      const ids = isObject(userAssignedIdentities) ? Object.keys(userAssignedIdentities) : [];
      if (ids.length !== 1) {
        throw armErrors.badRequest(
          'InvalidIdentity',
          `A Consumption workflow supports exactly one user-assigned identity; ${ids.length} were given.`,
        );
      }
      const id = ids[0]!;
      const parsed = parseResourceId(id);
      if (parsed?.type.toLowerCase() !== 'microsoft.managedidentity/userassignedidentities') {
        throw armErrors.badRequest(
          'InvalidIdentity',
          `The user-assigned identity id '${id}' is not a valid resource id.`,
        );
      }
      if (!core.state.userAssignedIdentities[armKey(id)]) {
        throw armErrors.badRequest(
          'FailedIdentityOperation',
          `Identity operation for resource '${id}' failed: the user-assigned identity '${parsed.name}' was not found in resource group '${parsed.resourceGroup}'.`,
        );
      }
      return { type: 'UserAssigned', id };
    }
    default:
      throw armErrors.badRequest(
        'InvalidIdentityType',
        `The identity type '${type}' is not supported. Supported values: 'SystemAssigned', 'UserAssigned', 'None'.`,
      );
  }
}

/** Moves the workflow's identity to what was asked; creates or deletes the system principal as needed. */
function applyIdentity(core: EmulatorCore, record: WorkflowRecord, requested: RequestedIdentity): void {
  const current = record.identity;
  if (requested.type === 'SystemAssigned' && current?.type === 'SystemAssigned') return;
  if (current?.type === 'SystemAssigned') core.deletePrincipal(current.principalId);
  if (requested.type === 'SystemAssigned') {
    const principal = core.createManagedPrincipal('SystemAssigned', record.id, record.name, {
      ...(requested.principalId ? { objectId: requested.principalId } : {}),
    });
    record.identity = {
      type: 'SystemAssigned',
      principalId: principal.objectId,
      tenantId: core.tenantOfPrincipal(principal),
    };
  } else if (requested.type === 'UserAssigned') {
    record.identity = { type: 'UserAssigned', userAssignedIdentityId: requested.id };
  } else {
    delete record.identity;
  }
}

/** The writable `properties` of a workflow body, validated as a PUT's are. */
export function readProperties(body: Json): Json {
  const properties = body.properties === undefined ? {} : body.properties;
  if (!isObject(properties)) throw armErrors.invalidRequestContent("'properties' must be a JSON object");
  if (
    properties.state !== undefined &&
    (typeof properties.state !== 'string' || !STATES.has(properties.state))
  ) {
    throw armErrors.badRequest(
      'InvalidWorkflowState',
      `The workflow state '${String(properties.state)}' is not valid.`,
    );
  }
  if (properties.accessControl !== undefined && properties.accessControl !== null)
    checkAccessControl(properties.accessControl);
  validateWorkflow(properties.definition, properties.parameters);
  requireParameterValues(properties.definition, properties.parameters);
  const writable: Json = {};
  for (const key of WRITABLE) if (properties[key] !== undefined) writable[key] = properties[key];
  return writable;
}

/** A version string in the shape Logic Apps uses (20 digits), different on every change. */
function newVersion(): string {
  return BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(20, '0')
    .slice(0, 20);
}

function putWorkflow(core: EmulatorCore, ctx: RequestContext) {
  checkWorkflowName(param(ctx, 'name'));
  const body = requireObjectBody(jsonBody(ctx));
  const { record, created } = writeWorkflow(core, {
    subscriptionId: param(ctx, 'subscriptionId'),
    resourceGroup: param(ctx, 'resourceGroup'),
    name: param(ctx, 'name'),
    location: normalizeLocation(requireLocation(body)),
    tags: readTags(body),
    properties: readProperties(body),
    identity: readIdentity(core, body),
  });
  return json(created ? 201 : 200, workflowBody(core, record));
}

/** Creates or replaces a workflow from validated parts (a PUT's body, or a seed). */
export function writeWorkflow(
  core: EmulatorCore,
  input: {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    location: string;
    tags: Record<string, string>;
    properties: Json;
    identity: RequestedIdentity;
  },
): { record: WorkflowRecord; created: boolean } {
  const { subscriptionId, resourceGroup, name, location, tags, properties } = input;
  const requestedIdentity = input.identity;
  const id = providerResourceId(subscriptionId, resourceGroup, TYPE, name);
  const existing = core.state.workflows[armKey(id)];
  const now = core.nowIso();
  if (existing && existing.location !== location) {
    throw armErrors.badRequest(
      'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${existing.location}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
    );
  }
  const record: WorkflowRecord = existing ?? { id, name, resourceGroup, location, tags, properties: {} };
  record.tags = tags;
  record.properties = {
    createdTime: existing?.properties.createdTime ?? now,
    changedTime: now,
    state: 'Enabled',
    parameters: {},
    ...properties,
    version: newVersion(),
    accessEndpoint:
      existing?.properties.accessEndpoint ??
      `https://prod-00.${location}.logic.azure.com:443/workflows/${accessIdOf(id)}`,
    // The region decides, whatever was sent (workflow-endpoints.ts).
    endpointsConfiguration: endpointsConfiguration(location),
  };
  applyIdentity(core, record, requestedIdentity);
  core.state.workflows[armKey(id)] = record;
  return { record, created: !existing };
}

function findWorkflow(core: EmulatorCore, ctx: RequestContext): WorkflowRecord {
  return findRequested(core.state.workflows, ctx, TYPE);
}

export function workflowRoutes(core: EmulatorCore): Route[] {
  const workflows = trackedResourceRoutes(core, {
    type: TYPE,
    resourceType: 'workflows',
    apiVersions: LOGIC_API_VERSIONS,
    records: () => core.state.workflows,
  });
  const base = workflows.base;
  return [
    workflows.get((ctx) => json(200, workflowBody(core, findWorkflow(core, ctx)))),
    workflows.put((ctx) => putWorkflow(core, ctx)),
    {
      ...base,
      method: 'PATCH',
      pattern: pathPattern(WORKFLOW),
      operation: 'Microsoft.Logic/workflows/write',
      kind: 'write',
      handler: (ctx) => {
        const record = findWorkflow(core, ctx);
        // arm-logic 8.2.0 sends no body; older clients sent tags/state, merged here per ARM's PATCH rules.
        const body = jsonBody(ctx);
        if (isObject(body)) {
          if (body.tags !== undefined) record.tags = readTags(body);
          if (isObject(body.properties) && typeof body.properties.state === 'string') {
            if (!STATES.has(body.properties.state)) {
              throw armErrors.badRequest(
                'InvalidWorkflowState',
                `The workflow state '${body.properties.state}' is not valid.`,
              );
            }
            record.properties.state = body.properties.state;
          }
          record.properties.changedTime = core.nowIso();
        }
        return json(200, workflowBody(core, record));
      },
    },
    workflows.delete((record) => deleteWorkflowRecord(core, record)),
    ...(['enable', 'disable'] as const).map(
      (action): Route => ({
        ...base,
        method: 'POST',
        pattern: pathPattern(`${WORKFLOW}/${action}`),
        operation: `Microsoft.Logic/workflows/${action}/action`,
        kind: 'action',
        handler: (ctx) => {
          const record = findWorkflow(core, ctx);
          record.properties.state = action === 'enable' ? 'Enabled' : 'Disabled';
          record.properties.changedTime = core.nowIso();
          return { status: 200 };
        },
      }),
    ),
    {
      ...base,
      method: 'GET',
      pattern: pathPattern(
        '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Logic/workflows',
      ),
      operation: 'Microsoft.Logic/workflows/read',
      kind: 'read',
      handler: (ctx) => listWorkflows(core, ctx, param(ctx, 'resourceGroup')),
    },
    {
      ...base,
      requiresResourceGroup: false,
      method: 'GET',
      pattern: pathPattern('/subscriptions/{subscriptionId}/providers/Microsoft.Logic/workflows'),
      operation: 'Microsoft.Logic/workflows/read',
      kind: 'read',
      handler: (ctx) => listWorkflows(core, ctx, undefined),
    },
  ];
}

function listWorkflows(core: EmulatorCore, ctx: RequestContext, resourceGroup: string | undefined) {
  let records = inScope(core.state.workflows, param(ctx, 'subscriptionId'), resourceGroup);
  // $filter supports State eq '...' (the other documented filters, Trigger and ReferencedResourceId, are not modelled).
  const filter = ctx.query.get('$filter');
  if (filter) {
    const state = /^\s*State\s+eq\s+'([^']*)'\s*$/i.exec(filter)?.[1];
    if (state === undefined)
      throw new ArmError(400, 'InvalidFilter', `The filter '${filter}' is not supported.`);
    records = records.filter((r) => String(r.properties.state).toLowerCase() === state.toLowerCase());
  }
  return json(
    200,
    page(
      core,
      ctx,
      records.map((record) => workflowBody(core, record)),
    ),
  );
}
