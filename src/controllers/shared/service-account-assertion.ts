// The federated token of a namespace's workload identity (issue 23): a token of a ServiceAccount in
// the team's namespace, from the TokenRequest API, with the audience Entra ID takes in exchange
// for an access token of the team's app registration (workload identity federation:
// https://learn.microsoft.com/entra/workload-id/workload-identity-federation). The token is held
// in memory only — never logged, stored or put in a message — and asked for again:
// - when Entra ID needs an assertion and the held one is near its expiry (getAssertion);
// - at a pass, when the last TokenRequest is older than `recheckMs`: that is how a deleted
//   ServiceAccount, or a Role that no longer allows the request, stops the namespace's objects
//   (Entra ID's access tokens outlive the ServiceAccount, so only asking Kubernetes tells).
// Concurrent passes share one TokenRequest.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Reason } from '../../crds/index.ts';
import { httpStatusOf, type KubeClient, StalledError } from '../../runtime/index.ts';
import { SERVICE_ACCOUNT_RESOURCE } from '../resource-kinds.ts';

/** The audience Entra ID expects in a federated token (federatedIdentityCredential.audiences). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
/** The shortest lifetime the API server grants a TokenRequest (it refuses less than 10 minutes). */
export const TOKEN_REQUEST_SECONDS = 600;
/** A held token is replaced once less than this is left (the kubelet rotates projected tokens at 80%). */
export const REFRESH_BEFORE_EXPIRY_MS = 120_000;
/** How long a pass may rely on the last TokenRequest before asking the API server again. */
export const DEFAULT_SERVICE_ACCOUNT_RECHECK_MS = 30_000;

export interface ServiceAccountAssertionSettings {
  now: () => number;
  recheckMs?: number;
}

interface TokenRequestAnswer {
  status?: { token?: string; expirationTimestamp?: string };
}

interface Held {
  token: string;
  expiresAt: number;
  requestedAt: number;
}

export class ServiceAccountAssertion {
  #held: Held | undefined;
  #pending: Promise<Held> | undefined;
  readonly #recheckMs: number;

  constructor(
    private readonly kube: KubeClient,
    readonly namespace: string,
    readonly serviceAccount: string,
    /** Where the ServiceAccount is named, for messages: "Secret team-a/azure". */
    private readonly namedBy: string,
    private readonly settings: ServiceAccountAssertionSettings,
  ) {
    this.#recheckMs = settings.recheckMs ?? DEFAULT_SERVICE_ACCOUNT_RECHECK_MS;
  }

  /**
   * At a pass: the ServiceAccount still yields tokens to the operator. Throws StalledError
   * CredentialUnavailable when it is gone or the request is refused.
   */
  async check(): Promise<void> {
    const held = this.#held;
    if (held && this.settings.now() - held.requestedAt < this.#recheckMs && this.#fresh(held)) return;
    await this.#request();
  }

  /** For ClientAssertionCredential: the held token while it is fresh, else a new one. */
  readonly getAssertion = async (): Promise<string> => {
    const held = this.#held;
    if (held && this.#fresh(held)) return held.token;
    return (await this.#request()).token;
  };

  #fresh(held: Held): boolean {
    return held.expiresAt - this.settings.now() > REFRESH_BEFORE_EXPIRY_MS;
  }

  #request(): Promise<Held> {
    this.#pending ??= this.#tokenRequest().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  async #tokenRequest(): Promise<Held> {
    const requestedAt = this.settings.now();
    const tokenRequest = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE], expirationSeconds: TOKEN_REQUEST_SECONDS },
    };
    let answer: TokenRequestAnswer;
    try {
      answer = await this.kube.create<TokenRequestAnswer & KubernetesObject>(
        SERVICE_ACCOUNT_RESOURCE,
        { namespace: this.namespace, name: this.serviceAccount, subresource: 'token' },
        tokenRequest,
      );
    } catch (error) {
      // A token of a ServiceAccount that is gone, or no longer ours to ask for, must not be used.
      this.#held = undefined;
      throw this.#explained(error);
    }
    const token = answer.status?.token;
    const expiresAt = Date.parse(answer.status?.expirationTimestamp ?? '');
    if (!token || Number.isNaN(expiresAt)) {
      this.#held = undefined;
      throw new Error(
        `The TokenRequest for ServiceAccount ${this.#where()} was answered without a token or expiry; retrying.`,
      );
    }
    this.#held = { token, expiresAt, requestedAt };
    return this.#held;
  }

  #where(): string {
    return `${this.namespace}/${this.serviceAccount}`;
  }

  #explained(error: unknown): unknown {
    const status = httpStatusOf(error);
    const account = `ServiceAccount ${this.#where()} (data.serviceAccount of ${this.namedBy})`;
    if (status === 404) {
      return new StalledError(
        Reason.CredentialUnavailable,
        `${account} does not exist. It is this namespace's Azure workload identity: recreate it, or name an existing one in data.serviceAccount. Nothing is sent to Azure for this namespace until then.`,
      );
    }
    if (status === 403) {
      return new StalledError(
        Reason.CredentialUnavailable,
        `The operator may not request a token for ${account}. The chart grants create on serviceaccounts/token for exactly the ServiceAccount of an azure.namespaceCredentials entry: set serviceAccount: ${this.serviceAccount} on this namespace's entry.`,
      );
    }
    return error;
  }
}
