// The admin API's directory and authorization part (/_emulator/…): tenants, subscriptions,
// app registrations (client secret or federated credentials), OIDC issuers' keys, role
// assignments and resource groups made as an admin would make them, without an ARM token.
// No authentication: local use only, like the rest of the admin API.
import type { JsonWebKey } from 'node:crypto';
import { isObject } from './arm/common.ts';
import { createResourceGroup, resourceGroupBody } from './arm/resource-groups.ts';
import { BUILT_IN_ROLES, roleAssignmentBody } from './arm/role-assignments.ts';
import type { EmulatorCore } from './core.ts';
import { ArmError, armErrors } from './errors.ts';
import { newGuid } from './ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from './pipeline.ts';
import { pathPattern } from './router.ts';
import { addRoleAssignment, registerApplication } from './seed.ts';
import type { FederatedCredential } from './state.ts';
import { createSubscription, createTenant, registerOidcIssuer } from './tenants.ts';

function objectBody(ctx: RequestContext, shape: string): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (!isObject(body)) throw armErrors.badRequest('BadRequest', `Body must be ${shape}.`);
  return body;
}

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A built-in role by GUID, full role definition id or name ("Contributor"). */
function roleGuidFrom(value: unknown): string {
  if (typeof value !== 'string') throw armErrors.badRequest('BadRequest', 'role is required.');
  const byName = Object.entries(BUILT_IN_ROLES).find(
    ([, name]) => name.toLowerCase() === value.toLowerCase(),
  );
  return byName ? byName[0] : value;
}

export function directoryAdminRoutes(core: EmulatorCore): Route[] {
  const route = (method: string, template: string, operation: string, handler: Route['handler']): Route => ({
    plane: 'admin',
    kind: 'admin',
    method,
    pattern: pathPattern(`/_emulator${template}`),
    operation: `Admin/${operation}`,
    handler,
  });
  return [
    route('GET', '/tenants', 'list-tenants', () => json(200, { value: Object.values(core.state.tenants) })),
    route('POST', '/tenants', 'create-tenant', (ctx) => {
      const body = objectBody(ctx, '{tenantId?, displayName?}');
      const tenantId = optionalString(body.tenantId);
      const displayName = optionalString(body.displayName);
      return json(
        201,
        createTenant(core, { ...(tenantId ? { tenantId } : {}), ...(displayName ? { displayName } : {}) }),
      );
    }),
    route('GET', '/subscriptions', 'list-subscriptions', () =>
      json(200, { value: Object.values(core.state.subscriptions) }),
    ),
    route('POST', '/subscriptions', 'create-subscription', (ctx) => {
      const body = objectBody(ctx, '{subscriptionId?, tenantId?, displayName?, standingOwners?: string[]}');
      const subscriptionId = optionalString(body.subscriptionId);
      const tenantId = optionalString(body.tenantId);
      const displayName = optionalString(body.displayName);
      if (body.standingOwners !== undefined && !Array.isArray(body.standingOwners)) {
        throw armErrors.badRequest('BadRequest', 'standingOwners must be a list of object ids.');
      }
      return json(
        201,
        createSubscription(core, {
          ...(subscriptionId ? { subscriptionId } : {}),
          ...(tenantId ? { tenantId } : {}),
          ...(displayName ? { displayName } : {}),
          ...(body.standingOwners ? { standingOwners: body.standingOwners as string[] } : {}),
        }),
      );
    }),
    route('POST', '/applications', 'register-application', (ctx) => {
      const body = objectBody(
        ctx,
        '{clientId?, tenantId?, displayName?, clientSecret?, federatedCredentials?}',
      );
      const app = registerApplication(core, {
        clientId: optionalString(body.clientId) ?? newGuid(),
        ...(typeof body.tenantId === 'string' ? { tenantId: body.tenantId } : {}),
        ...(typeof body.objectId === 'string' ? { objectId: body.objectId } : {}),
        ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}),
        ...(typeof body.clientSecret === 'string' ? { clientSecret: body.clientSecret } : {}),
        ...(Array.isArray(body.federatedCredentials)
          ? { federatedCredentials: body.federatedCredentials as FederatedCredential[] }
          : {}),
      });
      return json(201, {
        clientId: app.clientId,
        objectId: app.objectId,
        tenantId: app.tenantId,
        displayName: app.displayName,
      });
    }),
    route('POST', '/oidc-issuers', 'register-oidc-issuer', (ctx) => {
      const body = objectBody(ctx, '{issuer, keys: JsonWebKey[]} (or {issuer, jwks: {keys}})');
      const jwks = isObject(body.jwks) ? body.jwks.keys : body.keys;
      if (typeof body.issuer !== 'string' || !Array.isArray(jwks)) {
        throw armErrors.badRequest(
          'BadRequest',
          'Body must be {issuer, keys: JsonWebKey[]} (or {issuer, jwks: {keys}}).',
        );
      }
      const record = registerOidcIssuer(core, { issuer: body.issuer, keys: jwks as JsonWebKey[] });
      return json(201, { issuer: record.issuer, keys: record.keys.length });
    }),
    route('POST', '/role-assignments', 'create-role-assignment', (ctx) => {
      const body = objectBody(ctx, '{scope, role (GUID, id or name), principalId, principalType?}');
      if (typeof body.scope !== 'string' || typeof body.principalId !== 'string') {
        throw armErrors.badRequest('BadRequest', 'Body must be {scope, role, principalId, principalType?}.');
      }
      const principalType = body.principalType ?? 'ServicePrincipal';
      if (principalType !== 'ServicePrincipal' && principalType !== 'User' && principalType !== 'Group') {
        throw armErrors.badRequest(
          'BadRequest',
          "principalType must be 'ServicePrincipal', 'User' or 'Group'.",
        );
      }
      const record = addRoleAssignment(
        core,
        {
          scope: body.scope,
          roleDefinitionId: roleGuidFrom(body.role ?? body.roleDefinitionId),
          principalId: body.principalId,
          principalType,
        },
        core.state.subscriptionIds[0]!,
      );
      return json(201, roleAssignmentBody(record));
    }),
    route('DELETE', '/role-assignments/{name}', 'delete-role-assignment', (ctx) => {
      const name = param(ctx, 'name').toLowerCase();
      if (!core.state.roleAssignments[name]) {
        throw new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
      }
      delete core.state.roleAssignments[name];
      return { status: 204 };
    }),
    route('POST', '/resource-groups', 'create-resource-group', (ctx) => {
      const body = objectBody(ctx, '{subscriptionId?, name, location, tags?}');
      if (typeof body.name !== 'string' || typeof body.location !== 'string') {
        throw armErrors.badRequest('BadRequest', 'Body must be {subscriptionId?, name, location, tags?}.');
      }
      const subscriptionId = optionalString(body.subscriptionId) ?? core.state.subscriptionIds[0]!;
      if (!core.hasSubscription(subscriptionId)) throw armErrors.subscriptionNotFound(subscriptionId);
      const tags = isObject(body.tags) ? (body.tags as Record<string, string>) : {};
      const { record } = createResourceGroup(core, subscriptionId, body.name, body.location, tags);
      return json(201, resourceGroupBody(record));
    }),
  ];
}
