// Issue 21, item 8: "an expired client assertion is AADSTS700024". The operator runs with workload
// identity (AZURE_FEDERATED_TOKEN_FILE), and the projected token in that file has expired — a
// file that is not being renewed. Entra ID answers "AADSTS700024: Client assertion is not within
// its valid time range", 401 invalid_client (as it answered a workload identity in
// Azure/azure-sdk-for-rust#1739; error codes: learn.microsoft.com/entra/identity-platform/reference-error-codes),
// which the emulator now sends instead of AADSTS70021 ("no matching federated identity record").
// A human must act, so the workflow is Stalled with AuthorizationFailed and a message that names
// the token file, not the federated-credential setup.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { admin } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../support/eventually.ts';
import { type InProcessOperator, startInProcessOperator } from '../../support/operator-env.ts';
import {
  condition,
  createWorkflow,
  type MustShowWorld,
  readWorkflow,
  startMustShowWorld,
} from '../must-show-support.ts';

const ISSUER = 'https://oidc.cluster.example';
const SUBJECT = 'system:serviceaccount:logicops-system:logicops';

/** A service-account token as the file would hold it (Entra ID's emulator does not check the signature). */
function serviceAccountToken(expiresAt: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: ISSUER,
    sub: SUBJECT,
    aud: 'api://AzureADTokenExchange',
    iat: expiresAt - 3600,
    exp: expiresAt,
  };
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('unchecked').toString('base64url')}`;
}

describe('the operator with an expired federated token (workload identity)', () => {
  let world: MustShowWorld;
  let operator: InProcessOperator | undefined;
  let ns: string;
  let tmp: string;

  beforeAll(async () => {
    world = await startMustShowWorld({ prefixes: ['law-expired-assertion'] });
    [ns = ''] = world.namespaces;
    const registered = await admin(world.emulator, 'POST', '/applications', {
      displayName: 'logicops-workload-identity',
      federatedCredentials: [{ issuer: ISSUER, subject: SUBJECT }],
    });
    const { clientId } = registered.body as { clientId: string };
    tmp = mkdtempSync(path.join(os.tmpdir(), 'logicops-wi-'));
    const tokenFile = path.join(tmp, 'token');
    writeFileSync(tokenFile, serviceAccountToken(Math.floor(Date.now() / 1000) - 600));
    operator = await startInProcessOperator(world.emulator, world.namespaces, {
      instance: ns,
      env: { AZURE_CLIENT_ID: clientId, AZURE_FEDERATED_TOKEN_FILE: tokenFile },
    });
  });
  afterAll(async () => {
    await operator?.stop();
    await world?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('stalls the workflow with AuthorizationFailed and says the token file has expired', async () => {
    await createWorkflow(world, ns, 'wf');
    const stalled = await eventually(async () => {
      const found = condition(await readWorkflow(world, ns, 'wf'), 'Stalled');
      expect(found).toMatchObject({ status: 'True', reason: 'AuthorizationFailed' });
      return found;
    }, 60_000);
    expect(stalled?.message).toContain('AADSTS700024');
    expect(stalled?.message).toContain('AZURE_FEDERATED_TOKEN_FILE has expired');
    const answers = world.emulator.requests().filter((r) => r.operation === 'Entra/token');
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((r) => r.status === 401 && r.errorCode === 'invalid_client')).toBe(true);
  });
});
