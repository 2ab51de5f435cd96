// The certificates and keys a control plane needs, written as kube-apiserver's flags expect.
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type PemPair, TinyCa } from '@logicops/tiny-ca';

export interface ControlPlanePki {
  servingCaPem: string;
  clientCa: TinyCa;
  files: {
    servingCert: string;
    servingKey: string;
    clientCaCert: string;
    serviceAccountPublicKey: string;
    serviceAccountPrivateKey: string;
  };
}

export async function writeControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const servingCa = await TinyCa.create('logicops-control-plane-ca');
  const serving = await servingCa.issue({
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    usage: 'server',
  });
  const clientCa = await TinyCa.create('logicops-client-ca');
  // RSA: the service-account token signer must be RSA or ECDSA; RSA is what kube-apiserver documents.
  const serviceAccount = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const files = {
    servingCert: path.join(dir, 'apiserver.crt'),
    servingKey: path.join(dir, 'apiserver.key'),
    clientCaCert: path.join(dir, 'client-ca.crt'),
    serviceAccountPublicKey: path.join(dir, 'sa.pub'),
    serviceAccountPrivateKey: path.join(dir, 'sa.key'),
  };
  await Promise.all([
    writeFile(files.servingCert, serving.certPem + servingCa.certPem),
    writeFile(files.servingKey, serving.keyPem, { mode: 0o600 }),
    writeFile(files.clientCaCert, clientCa.certPem),
    writeFile(files.serviceAccountPublicKey, serviceAccount.publicKey),
    writeFile(files.serviceAccountPrivateKey, serviceAccount.privateKey, { mode: 0o600 }),
  ]);
  return { servingCaPem: servingCa.certPem, clientCa, files };
}

/** A client certificate for a user: CN is the user name, O the groups (kube-apiserver's x509 authenticator). */
export function issueUser(pki: ControlPlanePki, name: string, groups: string[]): Promise<PemPair> {
  return pki.clientCa.issue({ commonName: name, organizations: groups, usage: 'client' });
}
