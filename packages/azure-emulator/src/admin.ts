// The admin API under /_emulator/: state dump (secret values redacted), request log,
// counters, reset, and helpers to seed what the ARM surface cannot (secret values without an
// access check, app registrations, directory users). Fault routes are in faults/admin-routes.ts.

import { directoryAdminRoutes } from './admin-directory.ts';
import { runOutcomeAdminRoutes } from './admin-run-outcomes.ts';
import { isObject } from './arm/common.ts';
import { addSecretVersion, findVaultByName } from './arm/vaults.ts';
import type { CapturedRequestBodies } from './body-capture.ts';
import type { EmulatorCore } from './core.ts';
import { ArmError, armErrors } from './errors.ts';
import { newGuid } from './ids.ts';
import { type EmulatorResponse, json, jsonBody, param, type Route } from './pipeline.ts';
import { pathPattern } from './router.ts';
import { addDirectoryPrincipal } from './seed.ts';
import type { EmulatorState } from './state.ts';

export interface AdminHooks {
  /** Restores the state the emulator started with (seed included) and clears telemetry. */
  reset: () => void;
  info: (baseUrl: string) => unknown;
  /** Captured request bodies after a sequence number; undefined when the capture is off. */
  requestBodies: (sinceSeq: number) => CapturedRequestBodies | undefined;
}

/** A copy of the state that is safe to print: no secret values, no client secrets. */
export function redactedState(state: EmulatorState): unknown {
  const copy = structuredClone(state);
  for (const vault of Object.values(copy.vaults)) {
    for (const secret of Object.values(vault.secrets)) {
      for (const version of secret.versions) version.value = `<redacted ${version.value.length} chars>`;
    }
  }
  for (const app of Object.values(copy.applications))
    app.clientSecrets = app.clientSecrets.map(() => '<redacted>');
  return copy;
}

/** Adds a secret version to a vault found by name (vault names are globally unique). */
export function seedSecretValue(
  core: EmulatorCore,
  vaultName: string,
  secretName: string,
  value: string,
  contentType?: string,
): { id: string; version: string } {
  const vault = findVaultByName(core, vaultName);
  if (!vault) throw new ArmError(404, 'VaultNotFound', `Vault '${vaultName}' does not exist.`);
  const version = addSecretVersion(vault, secretName, value, {
    ...(contentType ? { contentType } : {}),
    nowSeconds: Math.floor(core.now() / 1000),
  });
  const secretUri = `${String(vault.properties.vaultUri).replace(/\/$/, '')}/secrets/${secretName}`;
  return { id: `${secretUri}/${version.version}`, version: version.version };
}

export function adminRoutes(core: EmulatorCore, hooks: AdminHooks): Route[] {
  const base = { plane: 'admin' as const, kind: 'admin' as const };
  const route = (method: string, template: string, operation: string, handler: Route['handler']): Route => ({
    ...base,
    method,
    pattern: pathPattern(`/_emulator${template}`),
    operation: `Admin/${operation}`,
    handler,
  });
  return [
    ...directoryAdminRoutes(core),
    ...runOutcomeAdminRoutes(core),
    route('GET', '', 'info', (ctx) => json(200, hooks.info(ctx.baseUrl))),
    route('GET', '/state', 'state', () => json(200, redactedState(core.state))),
    route('GET', '/requests', 'requests', (ctx) =>
      json(200, { value: core.telemetry.requests(Number(ctx.query.get('since') ?? '0') || 0) }),
    ),
    route('GET', '/counters', 'counters', () => json(200, core.telemetry.counters)),
    route('GET', '/request-bodies', 'request-bodies', (ctx) => {
      const captured = hooks.requestBodies(Number(ctx.query.get('since') ?? '0') || 0);
      if (!captured) {
        throw new ArmError(
          409,
          'RequestBodyCaptureDisabled',
          'Request body capture is off: start the emulator with --capture-request-bodies (or captureRequestBodies in-process).',
        );
      }
      return json(200, {
        value: captured.bodies,
        droppedBodies: captured.droppedBodies,
        droppedBytes: captured.droppedBytes,
      });
    }),
    route('POST', '/reset', 'reset', () => {
      hooks.reset();
      return { status: 204 };
    }),
    route('PUT', '/vaults/{vault}/secrets/{secret}', 'seed-secret', (ctx): EmulatorResponse => {
      const body = jsonBody(ctx);
      if (!isObject(body) || typeof body.value !== 'string') {
        throw armErrors.badRequest('BadRequest', 'Body must be {value: string, contentType?: string}.');
      }
      const contentType = typeof body.contentType === 'string' ? body.contentType : undefined;
      return json(
        201,
        seedSecretValue(core, param(ctx, 'vault'), param(ctx, 'secret'), body.value, contentType),
      );
    }),
    route('POST', '/principals', 'add-principal', (ctx) => {
      const body = jsonBody(ctx);
      if (!isObject(body) || (body.principalType !== 'User' && body.principalType !== 'Group')) {
        throw armErrors.badRequest(
          'BadRequest',
          "Body must be {objectId?, principalType: 'User' | 'Group', displayName?, tenantId?}.",
        );
      }
      const principal = addDirectoryPrincipal(
        core,
        typeof body.objectId === 'string' ? body.objectId : newGuid(),
        body.principalType,
        typeof body.displayName === 'string' ? body.displayName : String(body.principalType),
        typeof body.tenantId === 'string' ? body.tenantId : undefined,
      );
      return json(201, principal);
    }),
  ];
}
