// Who acts in Azure for a namespace (issue 23): its own credential Secret when the admin listed
// one — never the operator's identity then —, the operator's identity or a refusal otherwise.
import { beforeEach, describe, expect, it } from 'vitest';
import { operatorActor } from '../../../../src/azure/index.ts';
import { NamespaceActors } from '../../../../src/controllers/shared/namespace-actors.ts';
import { StalledError } from '../../../../src/runtime/index.ts';
import { FakeApiServer } from '../../../support/fake-api-server.ts';
import { FakeClock } from '../../../support/fake-clock.ts';

const OPERATOR = operatorActor({ getToken: async () => null });
const b64 = (text: string) => Buffer.from(text).toString('base64');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = 'c0ffee00-0000-4000-8000-000000000001';

function secret(data: Record<string, string>, name = 'azure') {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'team-a' },
    data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, b64(value)])),
  };
}

const CLIENT_SECRET = 'not-a-real-secret-value-0123456789';

async function stalled(promise: Promise<unknown>): Promise<StalledError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(StalledError);
  expect((error as StalledError).reason).toBe('CredentialUnavailable');
  return error as StalledError;
}

let server: FakeApiServer;
let clock: FakeClock;
beforeEach(() => {
  server = new FakeApiServer();
  clock = new FakeClock();
  server.now = () => clock.now();
});

const actors = (operator = OPERATOR) =>
  new NamespaceActors(server.asClient(), {
    credentials: new Map([['team-a', 'azure']]),
    operator,
    authorityHost: 'https://login.microsoftonline.com',
    now: () => clock.now(),
    serviceAccountRecheckMs: 30_000,
  });

const serviceAccount = (name = 'logicops-azure') => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'team-a' },
});
const tokenRequests = () => server.requests.filter((request) => request.verb === 'create');

describe('NamespaceActors', () => {
  it('acts as the identity of the Secret the admin listed, keyed by tenant and client, never by a secret', async () => {
    server.put(secret({ tenantId: TENANT, clientId: CLIENT, clientSecret: CLIENT_SECRET }));
    const actor = await actors().actorFor('team-a');
    expect(actor.key).toBe(`${TENANT}/${CLIENT}`);
    expect(actor.source).toBe('Secret team-a/azure');
    expect(JSON.stringify({ key: actor.key, source: actor.source })).not.toContain(CLIENT_SECRET);
    expect(actor).not.toBe(OPERATOR);
  });

  it('keeps the credential (and its token cache) while the Secret is unchanged, and builds a new one once it rotates', async () => {
    server.put(secret({ tenantId: TENANT, clientId: CLIENT, clientSecret: CLIENT_SECRET }));
    const resolver = actors();
    const first = await resolver.actorFor('team-a');
    expect((await resolver.actorFor('team-a')).credential).toBe(first.credential);
    server.put(
      secret({ tenantId: TENANT, clientId: CLIENT, clientSecret: 'rotated-secret-value-9876543210' }),
    );
    const rotated = await resolver.actorFor('team-a');
    expect(rotated.credential).not.toBe(first.credential);
    expect(rotated.key).toBe(first.key);
  });

  it('stalls a listed namespace whose Secret is gone, naming it — and never falls back to the operator', async () => {
    const error = await stalled(actors().actorFor('team-a'));
    expect(error.message).toContain('Secret team-a/azure does not exist');
    expect(error.message).toContain('data.clientSecret');
  });

  it('reads the Secret again once it is restored after a deletion', async () => {
    const resolver = actors();
    await stalled(resolver.actorFor('team-a'));
    server.put(secret({ tenantId: TENANT, clientId: CLIENT, clientSecret: CLIENT_SECRET }));
    expect((await resolver.actorFor('team-a')).key).toBe(`${TENANT}/${CLIENT}`);
  });

  it('names the missing keys of an incomplete Secret, not its values', async () => {
    server.put(secret({ tenantId: TENANT, clientSecret: CLIENT_SECRET }));
    const error = await stalled(actors().actorFor('team-a'));
    expect(error.message).toContain('data.clientId');
    expect(error.message).not.toContain(CLIENT_SECRET);
  });

  it('says the chart must list a Secret the operator may not read', async () => {
    server.beforeRequest = () => {
      throw Object.assign(new Error('secrets "azure" is forbidden'), { code: 403 });
    };
    const error = await stalled(actors().actorFor('team-a'));
    expect(error.message).toContain('azure.namespaceCredentials');
  });

  describe('workload identity (data.serviceAccount)', () => {
    const workloadIdentity = (extra: Record<string, string> = {}) =>
      secret({ tenantId: TENANT, clientId: CLIENT, serviceAccount: 'logicops-azure', ...extra });

    it("acts as the Secret's app, proven by a TokenRequest for the ServiceAccount with Entra ID's exchange audience", async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity());
      const actor = await actors().actorFor('team-a');
      expect(actor.key).toBe(`${TENANT}/${CLIENT}`);
      expect(actor.source).toBe('Secret team-a/azure');
      expect(tokenRequests()).toEqual([
        {
          verb: 'create',
          kind: 'ServiceAccount',
          namespace: 'team-a',
          name: 'logicops-azure',
          subresource: 'token',
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { audiences: ['api://AzureADTokenExchange'], expirationSeconds: 600 },
          },
        },
      ]);
    });

    it('reuses the credential while the Secret is unchanged, asks the ServiceAccount again once the last token is 30 s old, and rebuilds on rotation', async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity());
      const resolver = actors();
      const first = await resolver.actorFor('team-a');
      await clock.advance(29_000);
      expect((await resolver.actorFor('team-a')).credential).toBe(first.credential);
      expect(tokenRequests()).toHaveLength(1);
      await clock.advance(1_000);
      expect((await resolver.actorFor('team-a')).credential).toBe(first.credential);
      expect(tokenRequests()).toHaveLength(2);
      server.put(serviceAccount('other'));
      server.put(workloadIdentity({ serviceAccount: 'other' }));
      const rotated = await resolver.actorFor('team-a');
      expect(rotated.credential).not.toBe(first.credential);
      expect(tokenRequests().at(-1)?.name).toBe('other');
    });

    it('shares one TokenRequest among concurrent passes', async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity());
      const resolver = actors();
      await resolver.actorFor('team-a');
      await clock.advance(30_000);
      await Promise.all([
        resolver.actorFor('team-a'),
        resolver.actorFor('team-a'),
        resolver.actorFor('team-a'),
      ]);
      expect(tokenRequests()).toHaveLength(2);
    });

    it('stalls when the ServiceAccount is missing (404), naming it and the Secret — and recovers once it is back', async () => {
      server.put(workloadIdentity());
      const resolver = actors();
      const error = await stalled(resolver.actorFor('team-a'));
      expect(error.message).toContain('ServiceAccount team-a/logicops-azure');
      expect(error.message).toContain('Secret team-a/azure');
      expect(error.message).toContain('does not exist');
      server.put(serviceAccount());
      expect((await resolver.actorFor('team-a')).key).toBe(`${TENANT}/${CLIENT}`);
    });

    it('stalls a namespace whose ServiceAccount was deleted, at the first pass after the recheck interval', async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity());
      const resolver = actors();
      await resolver.actorFor('team-a');
      server.remove('ServiceAccount', 'team-a', 'logicops-azure');
      await clock.advance(30_000);
      const error = await stalled(resolver.actorFor('team-a'));
      expect(error.message).toContain('ServiceAccount team-a/logicops-azure');
    });

    it('says which chart entry to complete when the TokenRequest is refused (403)', async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity());
      server.beforeRequest = (request) => {
        if (request.verb === 'create') {
          throw Object.assign(new Error('serviceaccounts "logicops-azure" is forbidden'), { code: 403 });
        }
      };
      const error = await stalled(actors().actorFor('team-a'));
      expect(error.message).toContain('ServiceAccount team-a/logicops-azure');
      expect(error.message).toContain('serviceAccount: logicops-azure');
      expect(error.message).toContain('azure.namespaceCredentials');
    });

    it('passes other API server failures up to be retried', async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity());
      server.beforeRequest = (request) => {
        if (request.verb === 'create')
          throw Object.assign(new Error('etcdserver: leader changed'), { code: 500 });
      };
      const error = await actors()
        .actorFor('team-a')
        .catch((thrown: unknown) => thrown);
      expect(error).not.toBeInstanceOf(StalledError);
      expect(String(error)).toContain('leader changed');
    });

    it('refuses a Secret with both a client secret and a ServiceAccount, and names missing keys', async () => {
      server.put(serviceAccount());
      server.put(workloadIdentity({ clientSecret: CLIENT_SECRET }));
      const both = await stalled(actors().actorFor('team-a'));
      expect(both.message).toContain('both data.clientSecret and data.serviceAccount');
      expect(both.message).not.toContain(CLIENT_SECRET);
      server.put(secret({ clientId: CLIENT, serviceAccount: 'logicops-azure' }));
      const missing = await stalled(actors().actorFor('team-a'));
      expect(missing.message).toContain('missing data.tenantId');
      expect(tokenRequests()).toEqual([]);
    });
  });

  it("uses a sovereign cloud's well-known endpoints for a credential of that cloud, and the operator's own otherwise", async () => {
    server.put(
      secret({ tenantId: TENANT, clientId: CLIENT, clientSecret: CLIENT_SECRET, cloud: 'AzureUSGovernment' }),
    );
    const sovereign = await actors().actorFor('team-a');
    // Microsoft Learn, "National clouds": Azure Government's ARM is management.usgovcloudapi.net.
    expect(sovereign.armEndpoint).toBe('https://management.usgovcloudapi.net');
    expect(sovereign.key).toBe(`${TENANT}/${CLIENT}@AzureUSGovernment`);
    server.put(
      secret({ tenantId: TENANT, clientId: CLIENT, clientSecret: CLIENT_SECRET, cloud: 'AzurePublicCloud' }),
    );
    const own = await actors().actorFor('team-a');
    expect(own.armEndpoint).toBeUndefined();
    expect(own.key).toBe(`${TENANT}/${CLIENT}`);
  });

  it('refuses a cloud it does not know, rather than send a team credential to an endpoint of its choosing', async () => {
    server.put(
      secret({
        tenantId: TENANT,
        clientId: CLIENT,
        clientSecret: CLIENT_SECRET,
        cloud: 'https://evil.example',
      }),
    );
    const error = await stalled(actors().actorFor('team-a'));
    expect(error.message).toContain('AzurePublicCloud, AzureUSGovernment, AzureChinaCloud');
  });

  it('lets a namespace without a credential act as the operator, or refuses it when the cluster says so', async () => {
    expect(await actors().actorFor('team-b')).toBe(OPERATOR);
    expect(server.requests).toEqual([]);
    const refusing = new NamespaceActors(server.asClient(), { credentials: new Map(), operator: undefined });
    const error = await stalled(refusing.actorFor('team-b'));
    expect(error.message).toContain('--namespaces-without-credential=refuse');
  });
});
