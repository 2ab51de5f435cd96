// Who acts in Azure for an object: the operator's own identity, or the identity its namespace
// brought (issue 23). Everything that depends on who calls — SDK clients and their token caches,
// the client-side ARM budget, shared reads — is keyed by the actor as well as the subscription.
import type { TokenCredential } from '@azure/core-auth';

export interface AzureActor {
  /** Names the identity, never a secret: `operator`, or `<tenant>/<client>` of a namespace's credential. */
  readonly key: string;
  readonly credential: TokenCredential;
  /** Where the identity comes from, for messages and logs: "the operator's identity", "Secret team-a/azure". */
  readonly source: string;
  /** ARM of the actor's cloud when it is not the operator's (a sovereign cloud); undefined: the operator's. */
  readonly armEndpoint?: string;
}

export const OPERATOR_ACTOR_KEY = 'operator';

export function operatorActor(credential: TokenCredential): AzureActor {
  return { key: OPERATOR_ACTOR_KEY, credential, source: "the operator's identity" };
}
