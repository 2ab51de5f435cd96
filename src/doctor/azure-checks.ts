// The doctor's Azure checks, through the same credential and SDK clients the operator builds:
// a token for ARM; ARM answers (the subscriptions the identity can see); and, per scope, the
// identity's permissions as ARM reports them (Microsoft.Authorization/permissions) against the
// actions logicops performs there. Reads only.
import type { TokenCredential } from '@azure/identity';
import { armTokenScope, createAzureClients } from '../azure/clients.ts';
import { classifyAzureError } from '../azure/errors.ts';
import type { OperatorConfig } from '../config.ts';
import {
  type ArmPermission,
  CALLBACK_URL_ACTIONS,
  CONNECTION_ACTIONS,
  missingActions,
  REQUIRED_ACTIONS,
  type ScopeKind,
} from './azure-actions.ts';
import type { CheckRow } from './report.ts';
import type { ScopeToCheck } from './scopes.ts';

const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

export async function tokenRow(
  credential: TokenCredential,
  config: OperatorConfig,
): Promise<{ row: CheckRow; token?: string }> {
  const kind = config.azure.credential.kind;
  try {
    const token = await credential.getToken(armTokenScope(config.azure.armEndpoint));
    if (!token) throw new Error('the credential returned no token');
    return {
      row: {
        check: 'azure-token',
        target: kind,
        status: 'ok',
        detail: `got a token for ${config.azure.armEndpoint} from ${config.azure.authorityHost}`,
      },
      token: token.token,
    };
  } catch (error) {
    return {
      row: { check: 'azure-token', target: kind, status: 'fail', detail: classifyAzureError(error).message },
    };
  }
}

/** ARM answers, and the identity can see the subscriptions the scopes live in. */
export async function armRow(
  config: OperatorConfig,
  token: string,
  subscriptions: readonly string[],
): Promise<CheckRow> {
  const url = `${config.azure.armEndpoint}/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
  const row = (status: CheckRow['status'], detail: string): CheckRow => ({
    check: 'arm',
    target: config.azure.armEndpoint,
    status,
    detail,
  });
  let visible: string[];
  try {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(config.azure.requestTimeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as
      | { value?: Array<{ subscriptionId?: string }>; error?: { code?: string; message?: string } }
      | undefined;
    if (!response.ok) {
      return row(
        'fail',
        `ARM answered ${response.status} ${body?.error?.code ?? ''}: ${body?.error?.message ?? 'no error body'}`.trim(),
      );
    }
    visible = (body?.value ?? []).map((s) => (s.subscriptionId ?? '').toLowerCase());
  } catch (error) {
    return row(
      'fail',
      `ARM did not answer (${error instanceof Error ? error.message : String(error)}): check --arm-endpoint and the network path to it`,
    );
  }
  const unseen = subscriptions.filter((s) => !visible.includes(s.toLowerCase()));
  if (unseen.length > 0) {
    return row(
      'fail',
      `answers, but the identity has no role in subscription${unseen.length === 1 ? '' : 's'} ${unseen.join(', ')}: give it the roles in docs/operations.md ("Azure roles the operator needs")`,
    );
  }
  return row(
    'ok',
    `answers; the identity sees ${visible.length} subscription${visible.length === 1 ? '' : 's'}`,
  );
}

/** One row per scope: the actions logicops performs there that ARM says the identity may not. */
export async function permissionRows(
  config: OperatorConfig,
  credential: TokenCredential,
  scopes: readonly ScopeToCheck[],
  globs: readonly string[],
): Promise<CheckRow[]> {
  const clientsBySubscription = new Map<string, ReturnType<typeof createAzureClients>>();
  const clientsFor = (subscriptionId: string) => {
    let clients = clientsBySubscription.get(subscriptionId);
    if (!clients) {
      clients = createAzureClients({
        armEndpoint: config.azure.armEndpoint,
        subscriptionId,
        credential,
        maxRetries: 1,
        requestTimeoutMs: config.azure.requestTimeoutMs,
        userAgent: { instance: 'doctor' },
      });
      clientsBySubscription.set(subscriptionId, clients);
    }
    return clients;
  };
  const rows = await Promise.all(
    scopes.map(async (scope): Promise<CheckRow> => {
      const row = (status: CheckRow['status'], detail: string): CheckRow => ({
        check: 'azure-permissions',
        target: scope.id,
        status,
        detail,
      });
      try {
        const clients = clientsFor(scope.subscriptionId);
        let kind: ScopeKind;
        let permissions: ArmPermission[];
        if (scope.kind === 'resourceGroup') {
          kind = 'resourceGroup';
          permissions = await collect(
            clients.authorization.permissions.listForResourceGroup(scope.resourceGroup),
          );
        } else if (scope.kind === 'userAssignedIdentity') {
          kind = 'userAssignedIdentity';
          permissions = await collect(
            clients.authorization.permissions.listForResource(
              scope.resourceGroup,
              'Microsoft.ManagedIdentity',
              '',
              'userAssignedIdentities',
              scope.name,
            ),
          );
        } else {
          // Which grants the operator makes depends on the vault's permission model.
          const vault = await clients.keyVault.vaults.get(scope.resourceGroup, scope.name);
          kind = vault.properties.enableRbacAuthorization ? 'rbacVault' : 'accessPolicyVault';
          permissions = await collect(
            clients.authorization.permissions.listForResource(
              scope.resourceGroup,
              'Microsoft.KeyVault',
              '',
              'vaults',
              scope.name,
            ),
          );
        }
        const also =
          scope.kind === 'resourceGroup'
            ? [
                ...(scope.callbackUrls ? CALLBACK_URL_ACTIONS : []),
                ...(scope.connections ? CONNECTION_ACTIONS : []),
              ]
            : [];
        const missing = missingActions(permissions, kind, also);
        const what = KIND_WORDS[kind];
        return missing.length === 0
          ? row('ok', `${what}: all ${REQUIRED_ACTIONS[kind].length + also.length} actions allowed`)
          : row(
              'fail',
              `${what}: not allowed ${missing.join(', ')}; give the identity a role with them here (docs/operations.md, "Azure roles the operator needs")`,
            );
      } catch (error) {
        return row(
          'fail',
          `could not read the identity's permissions here: ${classifyAzureError(error).message}`,
        );
      }
    }),
  );
  if (scopes.length === 0) {
    rows.push({
      check: 'azure-permissions',
      target: '',
      status: 'skip',
      detail: 'no resource group, identity or vault named by an object or an annotation yet',
    });
  }
  if (globs.length > 0) {
    rows.push({
      check: 'azure-permissions',
      target: '',
      status: 'ok',
      detail: `${globs.length} annotation glob${globs.length === 1 ? '' : 's'} (${globs.join(', ')}) name no single scope: checked through the objects that use them`,
    });
  }
  return rows;
}

const KIND_WORDS: Record<ScopeKind, string> = {
  resourceGroup: 'resource group of workflows',
  userAssignedIdentity: 'user-assigned identity',
  accessPolicyVault: 'access-policy vault',
  rbacVault: 'RBAC vault',
};

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}
