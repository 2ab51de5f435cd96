// One Azure identity for tests that are not about who acts in Azure: every namespace acts as it.
import type { AzureActor } from '../../src/azure/index.ts';
import type { AzureActors } from '../../src/controllers/shared/namespace-actors.ts';

/** A stand-in identity for unit tests, whose fake gateways never ask for a token. */
export const TEST_ACTOR: AzureActor = {
  key: 'operator',
  credential: { getToken: async () => null },
  source: 'the test identity',
};

/** Every namespace acts as `actor`. */
export function everyNamespaceAs(actor: AzureActor = TEST_ACTOR): AzureActors {
  return { actorFor: async () => actor };
}
