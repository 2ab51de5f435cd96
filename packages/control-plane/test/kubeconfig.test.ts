import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { renderKubeconfig } from '../src/kubeconfig.ts';

describe('renderKubeconfig', () => {
  it('is loadable by client-node with the server, CA, client cert and namespace', () => {
    const yaml = renderKubeconfig(
      'https://127.0.0.1:6443',
      'CA-PEM',
      { certPem: 'CERT-PEM', keyPem: 'KEY-PEM' },
      'team-a',
    );
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64').toString()).toBe('CA-PEM');
    expect(Buffer.from(kc.getCurrentUser()?.certData ?? '', 'base64').toString()).toBe('CERT-PEM');
    expect(Buffer.from(kc.getCurrentUser()?.keyData ?? '', 'base64').toString()).toBe('KEY-PEM');
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('team-a');
  });
});
