import type { PemPair } from '@logicops/tiny-ca';
import { stringify } from 'yaml';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A kubeconfig with one cluster, one user and one context, all named `logicops-local`. */
export function renderKubeconfig(server: string, caPem: string, user: PemPair, namespace?: string): string {
  const name = 'logicops-local';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [
      { name, user: { 'client-certificate-data': b64(user.certPem), 'client-key-data': b64(user.keyPem) } },
    ],
    contexts: [{ name, context: { cluster: name, user: name, ...(namespace ? { namespace } : {}) } }],
    'current-context': name,
  });
}
