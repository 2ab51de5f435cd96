import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TinyCa } from '../src/tiny-ca.ts';

describe('TinyCa', () => {
  it('issues a server certificate that its CA verifies, with the requested names', async () => {
    const ca = await TinyCa.create('test-ca');
    const leaf = await ca.issue({
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usage: 'server',
    });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(leaf.certPem.endsWith('-----\n')).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('example.com')).toBeUndefined();
  });

  it('puts the user in CN and the groups in O of a client certificate', async () => {
    const ca = await TinyCa.create('client-ca');
    const leaf = await ca.issue({ commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
    const cert = new X509Certificate(leaf.certPem);
    expect(cert.subject).toContain('CN=admin');
    expect(cert.subject).toContain('O=system:masters');
    expect(cert.keyUsage).toContain('1.3.6.1.5.5.7.3.2'); // clientAuth
    expect(cert.keyUsage).not.toContain('1.3.6.1.5.5.7.3.1'); // not serverAuth
  });

  it('does not verify a certificate issued by another CA', async () => {
    const [a, b] = await Promise.all([TinyCa.create('a'), TinyCa.create('b')]);
    const leaf = await a.issue({ commonName: 'x', usage: 'server' });
    expect(new X509Certificate(leaf.certPem).verify(new X509Certificate(b.certPem).publicKey)).toBe(false);
  });
});
