// Microsoft.KeyVault/vaults (control plane), api-version 2026-02-01 as arm-keyvault 5 sends it.
// PUT is the SDK's long-running operation: a new vault answers 201 with provisioningState
// "RegisteringDns" and the SDK polls the vault until it reads "Succeeded".
import { randomBytes } from 'node:crypto';
import type { EmulatorCore } from '../core.ts';
import { ArmError, armErrors } from '../errors.ts';
import { removalSeenBy } from '../faults/vault-read-lag.ts';
import { armKey, isGuid, providerResourceId } from '../ids.ts';
import { json, jsonBody, param, type RequestContext, type Route } from '../pipeline.ts';
import { pathPattern } from '../router.ts';
import type { SecretRecord, SecretVersionRecord, VaultRecord } from '../state.ts';
import {
  type AccessPolicyOperation,
  applyAccessPolicyOperation,
  inStoredCasing,
  readAccessPolicies,
  sameEntry,
  tooManyAccessPolicies,
} from './access-policies.ts';
import {
  findRequested,
  isObject,
  type Json,
  normalizeLocation,
  readTags,
  requireLocation,
  requireObjectBody,
} from './common.ts';
import { checkVaultName } from './names.ts';
import { page, pageInScope } from './paging.ts';
import { trackedResourceRoutes } from './tracked-resource-routes.ts';

export const KEYVAULT_API_VERSIONS = [
  '2015-06-01',
  '2016-10-01',
  '2018-02-14',
  '2019-09-01',
  '2021-10-01',
  '2022-07-01',
  '2023-02-01',
  '2023-07-01',
  '2024-11-01',
  '2025-05-01',
  '2026-02-01',
] as const;
/** From this api-version on, a vault created without `enableRbacAuthorization` uses RBAC. */
const RBAC_DEFAULT_FROM = '2026-02-01';
const TYPE = 'Microsoft.KeyVault/vaults';
const VAULTS_PREFIX =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.KeyVault/vaults';
const VAULT = `${VAULTS_PREFIX}/{name}`;
/** Properties the RP computes; a caller cannot set them. */
const READ_ONLY = [
  'provisioningState',
  'hsmPoolResourceId',
  'privateEndpointConnections',
  'vaultUri',
  'accessPolicies',
];

export function vaultBody(record: VaultRecord, provisioningState = 'Succeeded') {
  return {
    id: record.id,
    name: record.name,
    type: TYPE,
    location: record.location,
    tags: record.tags,
    systemData: {
      createdAt: record.createdAt,
      createdBy: 'logicops-emulator',
      createdByType: 'Application',
      lastModifiedAt: record.updatedAt,
      lastModifiedBy: 'logicops-emulator',
      lastModifiedByType: 'Application',
    },
    properties: { ...record.properties, accessPolicies: record.accessPolicies, provisioningState },
  };
}

export function findVaultByName(core: EmulatorCore, name: string): VaultRecord | undefined {
  return Object.values(core.state.vaults).find((vault) => vault.name.toLowerCase() === name.toLowerCase());
}

/** Creates or replaces a vault from a PUT body; shared by the ARM route and the seed. */
export function putVault(
  core: EmulatorCore,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  body: Json,
  apiVersion: string,
): { record: VaultRecord; created: boolean } {
  checkVaultName(name);
  const id = providerResourceId(subscriptionId, resourceGroup, TYPE, name);
  const existing = core.state.vaults[armKey(id)];
  const sameName = findVaultByName(core, name);
  if (!existing && sameName) {
    throw new ArmError(
      409,
      'VaultAlreadyExists',
      `The vault name '${name}' is already in use. Vault names are globally unique.`,
    );
  }
  const location = normalizeLocation(requireLocation(body));
  if (!isObject(body.properties))
    throw armErrors.badRequest('BadRequest', "The 'properties' of a vault are required.");
  const properties = { ...body.properties };
  if (!isGuid(properties.tenantId))
    throw armErrors.badRequest('BadRequest', "'properties.tenantId' must be a GUID.");
  const sku = properties.sku;
  if (!isObject(sku) || !['standard', 'premium'].includes(String(sku.name).toLowerCase())) {
    throw armErrors.badRequest(
      'BadRequest',
      "'properties.sku' is required: {family: 'A', name: 'standard' | 'premium'}.",
    );
  }
  const accessPolicies = inStoredCasing(
    readAccessPolicies(properties.accessPolicies, 'properties.accessPolicies'),
    core.config.permissionCasing,
  );
  if (accessPolicies.length > core.config.limits.accessPoliciesPerVault) {
    throw tooManyAccessPolicies(core.config.limits.accessPoliciesPerVault);
  }
  for (const key of READ_ONLY) delete properties[key];
  if (typeof properties.enableRbacAuthorization !== 'boolean') {
    // Existing vaults keep their model; new ones follow the api-version's default.
    properties.enableRbacAuthorization =
      (existing?.properties.enableRbacAuthorization as boolean | undefined) ??
      apiVersion >= RBAC_DEFAULT_FROM;
  }
  properties.enabledForDeployment ??= false;
  properties.enabledForDiskEncryption ??= false;
  properties.enabledForTemplateDeployment ??= false;
  properties.enableSoftDelete ??= true;
  properties.softDeleteRetentionInDays ??= 90;
  properties.publicNetworkAccess ??= 'Enabled';
  properties.vaultUri = core.config.vaultUri(name);
  const now = core.nowIso();
  const record: VaultRecord = {
    id,
    name,
    resourceGroup,
    location,
    tags: readTags(body),
    properties,
    // A PUT replaces the list: a redeploy without accessPolicies wipes them, as in Azure.
    accessPolicies,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    secrets: existing?.secrets ?? {},
  };
  core.state.vaults[armKey(id)] = record;
  return { record, created: !existing };
}

function findVault(core: EmulatorCore, ctx: RequestContext): VaultRecord {
  return findRequested(core.state.vaults, ctx, TYPE);
}

/** The vault as a GET sees it: the stale copy while an access-policy write is still catching up. */
function readVault(core: EmulatorCore, ctx: RequestContext): VaultRecord {
  const record = findVault(core, ctx);
  const stale = core.vaultReadLag.read(armKey(record.id));
  if (!stale) return record;
  core.telemetry.recordFault({ fault: 'vaultReadLag', lagged: 'staleReads' });
  return stale;
}

/** A vault in a list, as a lagging read shows it. */
function listedVault(core: EmulatorCore, record: VaultRecord): VaultRecord {
  return core.vaultReadLag.view(armKey(record.id)) ?? record;
}

export function addSecretVersion(
  vault: VaultRecord,
  name: string,
  value: string,
  options: { contentType?: string; tags?: Record<string, string>; enabled?: boolean; nowSeconds: number },
): SecretVersionRecord {
  const key = name.toLowerCase();
  const secret: SecretRecord = vault.secrets[key] ?? { name, versions: [] };
  const version: SecretVersionRecord = {
    version: randomBytes(16).toString('hex'),
    value,
    ...(options.contentType ? { contentType: options.contentType } : {}),
    enabled: options.enabled ?? true,
    created: options.nowSeconds,
    updated: options.nowSeconds,
    tags: options.tags ?? {},
  };
  secret.versions.push(version);
  vault.secrets[key] = secret;
  return version;
}

/** The control-plane view of a secret: metadata only, never the value. */
function secretBody(vault: VaultRecord, secret: SecretRecord) {
  const current = secret.versions.at(-1)!;
  const secretUri = `${String(vault.properties.vaultUri).replace(/\/$/, '')}/secrets/${secret.name}`;
  return {
    id: `${vault.id}/secrets/${secret.name}`,
    name: secret.name,
    type: 'Microsoft.KeyVault/vaults/secrets',
    location: vault.location,
    tags: current.tags,
    properties: {
      ...(current.contentType ? { contentType: current.contentType } : {}),
      attributes: { enabled: current.enabled, created: current.created, updated: current.updated },
      secretUri,
      secretUriWithVersion: `${secretUri}/${current.version}`,
    },
  };
}

function findSecret(vault: VaultRecord, ctx: RequestContext): SecretRecord {
  const secret = vault.secrets[param(ctx, 'secret').toLowerCase()];
  if (!secret || secret.versions.length === 0) {
    throw armErrors.resourceNotFound(
      `${TYPE}/secrets`,
      `${vault.name}/${param(ctx, 'secret')}`,
      vault.resourceGroup,
    );
  }
  return secret;
}

function genericResourceBody(record: VaultRecord) {
  return { id: record.id, name: record.name, type: TYPE, location: record.location, tags: record.tags };
}

export function vaultRoutes(core: EmulatorCore): Route[] {
  const vaults = trackedResourceRoutes(core, {
    type: TYPE,
    resourceType: 'vaults',
    apiVersions: KEYVAULT_API_VERSIONS,
    records: () => core.state.vaults,
  });
  const base = vaults.base;
  const listed = (record: VaultRecord) => vaultBody(listedVault(core, record));
  return [
    vaults.get((ctx) => json(200, vaultBody(readVault(core, ctx)))),
    vaults.put((ctx) => {
      const { record, created } = putVault(
        core,
        param(ctx, 'subscriptionId'),
        param(ctx, 'resourceGroup'),
        param(ctx, 'name'),
        requireObjectBody(jsonBody(ctx)),
        ctx.query.get('api-version') ?? RBAC_DEFAULT_FROM,
      );
      // The first response of a new vault is still provisioning; the next GET reads Succeeded.
      return json(created ? 201 : 200, vaultBody(record, created ? 'RegisteringDns' : 'Succeeded'));
    }),
    {
      ...base,
      method: 'PATCH',
      pattern: pathPattern(VAULT),
      operation: 'Microsoft.KeyVault/vaults/write',
      kind: 'write',
      handler: (ctx) => {
        const record = findVault(core, ctx);
        const body = requireObjectBody(jsonBody(ctx));
        if (body.tags !== undefined) record.tags = readTags(body);
        if (isObject(body.properties)) {
          const { accessPolicies, ...rest } = body.properties;
          for (const key of READ_ONLY) delete rest[key];
          Object.assign(record.properties, rest);
          if (accessPolicies !== undefined) {
            const replaced = inStoredCasing(
              readAccessPolicies(accessPolicies, 'properties.accessPolicies'),
              core.config.permissionCasing,
            );
            if (replaced.length > core.config.limits.accessPoliciesPerVault) {
              throw tooManyAccessPolicies(core.config.limits.accessPoliciesPerVault);
            }
            record.accessPolicies = replaced;
          }
        }
        record.updatedAt = core.nowIso();
        return json(200, vaultBody(record));
      },
    },
    vaults.delete(),
    {
      ...base,
      method: 'PUT',
      pattern: pathPattern(`${VAULT}/accessPolicies/{operationKind}`),
      operation: 'Microsoft.KeyVault/vaults/accessPolicies/write',
      kind: 'write',
      handler: (ctx) => {
        const operation = param(ctx, 'operationKind').toLowerCase();
        if (!['add', 'replace', 'remove'].includes(operation)) {
          throw armErrors.badRequest(
            'BadRequest',
            `The access policy operation '${param(ctx, 'operationKind')}' is not one of add, replace, remove.`,
          );
        }
        const record = findVault(core, ctx);
        const body = requireObjectBody(jsonBody(ctx));
        if (!isObject(body.properties))
          throw armErrors.badRequest('BadRequest', "'properties.accessPolicies' is required.");
        const changes = readAccessPolicies(body.properties.accessPolicies, 'properties.accessPolicies');
        const key = armKey(record.id);
        const before = structuredClone(record);
        // add and replace store Key Vault's spelling; remove matches the stored one exactly.
        // Under read lag a remove acts on what the lagging copy shows (vault-read-lag.ts).
        const stale = operation === 'remove' ? core.vaultReadLag.view(key) : undefined;
        const seen = stale ? removalSeenBy(stale, changes, sameEntry) : { changes, skipped: false };
        if (seen.skipped) core.telemetry.recordFault({ fault: 'vaultReadLag', lagged: 'removalsSkipped' });
        record.accessPolicies = applyAccessPolicyOperation(
          record.accessPolicies,
          operation as AccessPolicyOperation,
          operation === 'remove' ? seen.changes : inStoredCasing(changes, core.config.permissionCasing),
          core.config.limits.accessPoliciesPerVault,
        );
        record.updatedAt = core.nowIso();
        core.vaultReadLag.wrote(key, before, record);
        // Key Vault echoes the request's entries, not the vault's resulting list.
        return json(200, {
          id: `${record.id}/accessPolicies/`,
          type: 'Microsoft.KeyVault/vaults/accessPolicies',
          properties: { accessPolicies: changes },
        });
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern(`${VAULT}/secrets/{secret}`),
      operation: 'Microsoft.KeyVault/vaults/secrets/read',
      kind: 'read',
      handler: (ctx) => {
        const vault = findVault(core, ctx);
        return json(200, secretBody(vault, findSecret(vault, ctx)));
      },
    },
    {
      ...base,
      method: 'PUT',
      pattern: pathPattern(`${VAULT}/secrets/{secret}`),
      operation: 'Microsoft.KeyVault/vaults/secrets/write',
      kind: 'write',
      handler: (ctx) => {
        const vault = findVault(core, ctx);
        const body = requireObjectBody(jsonBody(ctx));
        const properties = isObject(body.properties) ? body.properties : {};
        if (typeof properties.value !== 'string')
          throw armErrors.badRequest('BadRequest', "'properties.value' is required.");
        const existed = Boolean(vault.secrets[param(ctx, 'secret').toLowerCase()]);
        addSecretVersion(vault, param(ctx, 'secret'), properties.value, {
          ...(typeof properties.contentType === 'string' ? { contentType: properties.contentType } : {}),
          tags: readTags(body),
          nowSeconds: Math.floor(core.now() / 1000),
        });
        return json(existed ? 200 : 201, secretBody(vault, findSecret(vault, ctx)));
      },
    },
    {
      ...base,
      method: 'GET',
      pattern: pathPattern(`${VAULT}/secrets`),
      operation: 'Microsoft.KeyVault/vaults/secrets/read',
      kind: 'read',
      handler: (ctx) => {
        const vault = findVault(core, ctx);
        const secrets = Object.values(vault.secrets).filter((s) => s.versions.length > 0);
        return json(
          200,
          page(
            core,
            ctx,
            secrets.map((secret) => secretBody(vault, secret)),
          ),
        );
      },
    },
    vaults.listByResourceGroup(listed),
    vaults.listBySubscription(listed),
    {
      // `vaults.list()` goes through the generic resources API with a resourceType filter.
      plane: 'arm',
      resourceType: 'resources',
      apiVersions: ['2015-11-01', '2016-09-01', '2019-10-01', '2021-04-01'],
      method: 'GET',
      pattern: pathPattern('/subscriptions/{subscriptionId}/resources'),
      operation: 'Microsoft.Resources/subscriptions/resources/read',
      kind: 'read',
      handler: (ctx) => {
        const filter = ctx.query.get('$filter') ?? '';
        const type = /resourceType\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
        if (type && type.toLowerCase() !== TYPE.toLowerCase()) return json(200, { value: [] });
        return pageInScope(core, ctx, core.state.vaults, genericResourceBody);
      },
    },
  ];
}
