// Who acts in Azure for the objects of a namespace (issue 23). A namespace the cluster admin
// listed (--namespace-credentials, rendered by the chart with the Role that lets the operator
// read exactly that Secret) acts as the identity its Secret holds, for every call its objects
// cause: create, update, drift repair, revoke, delete. It never falls back to the operator's
// identity — a missing, unreadable or incomplete Secret stops its objects (Stalled
// CredentialUnavailable, deletion included) until fixed. A namespace not listed acts as the
// operator's identity, or is refused, as --namespaces-without-credential says.
//
// The Secret is read at each pass (one GET by name; never listed or watched, so the operator
// holds no Secret permission beyond those names), and the credential built from it is kept while
// the Secret's resourceVersion stays: its token cache survives, and a rotated Secret is used from
// the next pass on, without a restart.
//
// The Secret holds either a client secret (data.clientSecret) or a workload identity
// (data.serviceAccount: a ServiceAccount in the same namespace, whose tokens the operator asks the
// TokenRequest API for and exchanges with Entra ID; service-account-assertion.ts). Never both.
import type { V1Secret } from '@kubernetes/client-node';
import {
  AZURE_CLOUD_NAMES,
  AZURE_CLOUDS,
  type AzureActor,
  type AzureCloudName,
  createCredential,
  credentialFromSecretData,
  isAzureCloudName,
  OPERATOR_ACTOR_KEY,
} from '../../azure/index.ts';
import { Reason } from '../../crds/index.ts';
import { httpStatusOf, type KubeClient, StalledError } from '../../runtime/index.ts';
import { SECRET_RESOURCE } from '../resource-kinds.ts';
import { ServiceAccountAssertion } from './service-account-assertion.ts';

export interface NamespaceActorSettings {
  /** Namespace → its credential Secret's name. */
  credentials: ReadonlyMap<string, string>;
  /** The identity of namespaces not listed; undefined: they are refused. */
  operator: AzureActor | undefined;
  /** Entra ID authority for namespace credentials of the operator's cloud (the emulator's in tests). */
  authorityHost?: string;
  /**
   * The cloud of the operator's configured endpoints (--azure-cloud, default AzurePublicCloud). A
   * credential Secret naming another cloud (data.cloud) uses that cloud's well-known endpoints.
   */
  cloud?: AzureCloudName;
  /** Epoch ms (tests pass a fake clock). */
  now?: () => number;
  /** How long a pass may rely on the last TokenRequest of a workload identity (default 30 s). */
  serviceAccountRecheckMs?: number;
}

/** What resolves a namespace's actor; the controllers depend on this, not on how. */
export interface AzureActors {
  actorFor(namespace: string, signal?: AbortSignal): Promise<AzureActor>;
}

/** The actor a pass resolved; an Azure call before the actor step is a bug in the step order. */
export function resolvedActor(actor: AzureActor | undefined): AzureActor {
  if (!actor)
    throw new Error('an Azure call before steps/azure-actor.ts resolved who acts for the namespace');
  return actor;
}

/** Where `actor` comes from, when it is not the operator's own identity (for messages). */
export function actingAs(actor: AzureActor | undefined): string | undefined {
  return actor && actor.key !== OPERATOR_ACTOR_KEY ? actor.source : undefined;
}

interface Built {
  resourceVersion: string;
  actor: AzureActor;
  /** A workload identity's federated token source; asked at each pass whether it still works. */
  assertion?: ServiceAccountAssertion;
}

export class NamespaceActors implements AzureActors {
  readonly #built = new Map<string, Built>();

  constructor(
    private readonly kube: KubeClient,
    private readonly settings: NamespaceActorSettings,
  ) {}

  async actorFor(namespace: string): Promise<AzureActor> {
    const secretName = this.settings.credentials.get(namespace);
    if (secretName === undefined) {
      if (this.settings.operator) return this.settings.operator;
      throw new StalledError(
        Reason.CredentialUnavailable,
        `Namespace ${namespace} has no Azure credential of its own, and namespaces without one may not act as the operator's identity (--namespaces-without-credential=refuse). Ask the cluster admin to list it in azure.namespaceCredentials with its Secret.`,
      );
    }
    const where = `Secret ${namespace}/${secretName}`;
    const secret = await this.readSecret(namespace, secretName, where);
    const resourceVersion = secret.metadata?.resourceVersion ?? '';
    const built = this.#built.get(namespace);
    if (built && built.resourceVersion === resourceVersion && resourceVersion !== '') {
      await built.assertion?.check();
      return built.actor;
    }
    const fresh: Built = { resourceVersion, ...this.build(namespace, where, decoded(secret)) };
    // Kept even when its ServiceAccount fails the check below: once fixed, the same credential
    // (and its token cache) serves on.
    this.#built.set(namespace, fresh);
    await fresh.assertion?.check();
    return fresh.actor;
  }

  private build(
    namespace: string,
    where: string,
    data: Record<string, string | undefined>,
  ): Omit<Built, 'resourceVersion'> {
    const cloud = this.cloudOf(data, where);
    const key = `${(data.tenantId ?? '').trim().toLowerCase()}/${(data.clientId ?? '').trim().toLowerCase()}${cloud ? `@${cloud.name}` : ''}`;
    const authorityHost = cloud?.authorityHost ?? this.settings.authorityHost;
    const endpoints = cloud ? { armEndpoint: cloud.armEndpoint } : {};
    const serviceAccount = data.serviceAccount?.trim();
    if (serviceAccount === undefined) {
      try {
        return {
          actor: {
            key,
            credential: credentialFromSecretData(data, { authorityHost }),
            source: where,
            ...endpoints,
          },
        };
      } catch (error) {
        // credentialFromSecretData names the missing keys, never a value.
        throw new StalledError(
          Reason.CredentialUnavailable,
          `${where}: ${(error as Error).message}. Set data.clientId, data.tenantId and data.clientSecret (or data.serviceAccount for workload identity).`,
        );
      }
    }
    if (data.clientSecret !== undefined) {
      throw new StalledError(
        Reason.CredentialUnavailable,
        `${where} holds both data.clientSecret and data.serviceAccount: keep the one this namespace's identity should use (a client secret, or workload identity through the ServiceAccount), and remove the other.`,
      );
    }
    const missing = (['clientId', 'tenantId', 'serviceAccount'] as const).filter((k) => !data[k]?.trim());
    if (missing.length > 0) {
      throw new StalledError(
        Reason.CredentialUnavailable,
        `${where}: the workload-identity credential Secret is missing ${missing.map((k) => `data.${k}`).join(', ')}. Set data.clientId, data.tenantId and data.serviceAccount.`,
      );
    }
    const assertion = new ServiceAccountAssertion(this.kube, namespace, serviceAccount, where, {
      now: this.settings.now ?? Date.now,
      recheckMs: this.settings.serviceAccountRecheckMs,
    });
    const credential = createCredential(
      {
        kind: 'clientAssertion',
        tenantId: data.tenantId!.trim(),
        clientId: data.clientId!.trim(),
        getAssertion: assertion.getAssertion,
      },
      { authorityHost },
    );
    return { actor: { key, credential, source: where, ...endpoints }, assertion };
  }

  /** The credential's cloud when it is not the operator's; a name outside the known clouds stalls. */
  private cloudOf(
    data: Record<string, string | undefined>,
    where: string,
  ): { name: AzureCloudName; authorityHost: string; armEndpoint: string } | undefined {
    const name = data.cloud?.trim();
    if (!name) return undefined;
    if (!isAzureCloudName(name)) {
      throw new StalledError(
        Reason.CredentialUnavailable,
        `${where}: data.cloud '${name}' is not an Azure cloud logicops knows; use one of ${AZURE_CLOUD_NAMES.join(', ')}, or leave it out for the operator's own cloud.`,
      );
    }
    if (name === (this.settings.cloud ?? 'AzurePublicCloud')) return undefined;
    return { name, ...AZURE_CLOUDS[name] };
  }

  private async readSecret(namespace: string, name: string, where: string): Promise<V1Secret> {
    try {
      return await this.kube.get<V1Secret>(SECRET_RESOURCE, namespace, name);
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404) {
        // Forget what was built from it: a Secret deleted and restored must be read again.
        this.#built.delete(namespace);
        throw new StalledError(
          Reason.CredentialUnavailable,
          `${where} does not exist. It is this namespace's Azure credential: recreate it with data.clientId, data.tenantId and data.clientSecret (or data.serviceAccount). Nothing is sent to Azure for this namespace until then.`,
        );
      }
      if (status === 403) {
        throw new StalledError(
          Reason.CredentialUnavailable,
          `The operator may not read ${where}. The chart grants get on exactly the Secrets in azure.namespaceCredentials: list it there (the same list sets --namespace-credentials).`,
        );
      }
      throw error;
    }
  }
}

/** The Secret's data, base64-decoded (stringData is folded into data by the API server). */
function decoded(secret: V1Secret): Record<string, string | undefined> {
  const data: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    data[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return data;
}
