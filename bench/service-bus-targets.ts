// Makes the grants' targets exist before the run (issue 24): the Service Bus namespace and its
// queues, through the emulator's own ARM routes (arm/service-bus.ts) as the emulator's operator
// app — the emulator's seed has no Service Bus, and a role assignment on a resource that does not
// exist would prove less. Done before the counters' first snapshot, so these writes are not the
// operator's. The bench process does not trust the emulator's CA globally (the operator process
// gets NODE_EXTRA_CA_CERTS), so each request names the CA itself.
import { request } from 'node:https';
import type { Emulator } from '@logicops/azure-emulator';
import type { RoleGrantTargets } from './role-grants.ts';

/** An API version the emulator's Service Bus routes accept (SERVICE_BUS_API_VERSIONS). */
const SERVICE_BUS_API_VERSION = '2021-11-01';

export async function createServiceBusTargets(emulator: Emulator, targets: RoleGrantTargets): Promise<void> {
  const token = await operatorToken(emulator);
  const put = (id: string, body: unknown) =>
    send(emulator, 'PUT', `${emulator.armEndpoint}${id}?api-version=${SERVICE_BUS_API_VERSION}`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  await put(targets.namespaceId, { location: targets.location, sku: { name: 'Standard' } });
  for (const queueId of [...targets.queueIds, targets.probeQueueId]) await put(queueId, { properties: {} });
}

/** A client-credentials token of the emulator's operator app for ARM. Never logged. */
async function operatorToken(emulator: Emulator): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: emulator.operatorClientId,
    client_secret: emulator.operatorClientSecret,
    scope: `${emulator.armEndpoint}/.default`,
  });
  const answer = await send(
    emulator,
    'POST',
    `${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`,
    {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    },
  );
  const token = (JSON.parse(answer) as { access_token?: unknown }).access_token;
  if (typeof token !== 'string')
    throw new Error('the emulator answered its token endpoint without an access_token');
  return token;
}

function send(
  emulator: Emulator,
  method: string,
  url: string,
  options: { headers: Record<string, string>; body: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: options.headers, ca: emulator.caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        // The path only: a token endpoint's answer holds a token, so no body in the message.
        if (status >= 200 && status < 300) resolve(text);
        else
          reject(
            new Error(
              `setting up the grants' Service Bus targets: ${method} ${new URL(url).pathname} answered ${status}; see the emulator's request log`,
            ),
          );
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
