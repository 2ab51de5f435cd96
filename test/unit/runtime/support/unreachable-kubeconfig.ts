// A kubeconfig for unit tests whose client calls are spied on: it points at a port nothing
// listens on, so a call that escapes the spy fails at once instead of reaching a cluster.
import { KubeConfig } from '@kubernetes/client-node';

export function unreachableKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 'unused' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}
