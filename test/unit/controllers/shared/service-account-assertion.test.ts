// The federated token of a namespace's workload identity: a TokenRequest answer held in memory and
// handed to Entra ID while it is fresh, replaced before it expires.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  REFRESH_BEFORE_EXPIRY_MS,
  ServiceAccountAssertion,
} from '../../../../src/controllers/shared/service-account-assertion.ts';
import { StalledError } from '../../../../src/runtime/index.ts';
import { FakeApiServer } from '../../../support/fake-api-server.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

let server: FakeApiServer;
let clock: FakeClock;
let assertion: ServiceAccountAssertion;
const tokenRequests = () => server.requests.filter((request) => request.verb === 'create').length;

beforeEach(() => {
  server = new FakeApiServer();
  clock = new FakeClock();
  server.now = () => clock.now();
  server.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'wi', namespace: 'team-a' } });
  assertion = new ServiceAccountAssertion(server.asClient(), 'team-a', 'wi', 'Secret team-a/azure', {
    now: () => clock.now(),
    recheckMs: 30_000,
  });
});

describe('ServiceAccountAssertion', () => {
  it('gives Entra ID the held token while more than the refresh margin of its 600 s is left, then a new one', async () => {
    const first = await assertion.getAssertion();
    expect(first).toMatch(/^fake-token-1-/);
    await clock.advance(600_000 - REFRESH_BEFORE_EXPIRY_MS - 1);
    expect(await assertion.getAssertion()).toBe(first);
    expect(tokenRequests()).toBe(1);
    await clock.advance(1);
    const second = await assertion.getAssertion();
    expect(second).not.toBe(first);
    expect(tokenRequests()).toBe(2);
  });

  it('a pass relies on the last TokenRequest for the recheck interval only', async () => {
    await assertion.check();
    await clock.advance(29_999);
    await assertion.check();
    expect(tokenRequests()).toBe(1);
    await clock.advance(1);
    await assertion.check();
    expect(tokenRequests()).toBe(2);
  });

  it('forgets the held token once the ServiceAccount is gone, so Entra ID is never handed it again', async () => {
    await assertion.getAssertion();
    server.remove('ServiceAccount', 'team-a', 'wi');
    await clock.advance(30_000);
    await expect(assertion.check()).rejects.toBeInstanceOf(StalledError);
    const error = await assertion.getAssertion().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(StalledError);
    expect(String((error as Error).message)).not.toContain('fake-token');
  });
});
