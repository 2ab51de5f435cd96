// The emulator's CA and server certificate (issued by the project's TinyCa) and the RSA key
// that signs its tokens. Reused from the state file when present, so processes that trust
// the CA (NODE_EXTRA_CA_CERTS is read once at start) keep trusting a restarted emulator.
import { generateKeyPair, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { TinyCa } from '@logicops/tiny-ca';
import type { PersistedKeys } from './state.ts';

const generateKeyPairAsync = promisify(generateKeyPair);
const VALID_DAYS = 90;
/** Renew the material when less than this is left, rather than fail mid-run. */
const MIN_REMAINING_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_SERVER_NAMES = ['localhost', '127.0.0.1', '::1'];

export async function loadOrCreateKeys(
  existing: PersistedKeys | undefined,
  serverNames: string[],
): Promise<{ keys: PersistedKeys; created: boolean }> {
  if (existing && isReusable(existing, serverNames)) return { keys: existing, created: false };
  const ca = await TinyCa.create('logicops Azure emulator CA', VALID_DAYS);
  const leaf = await ca.issue(
    {
      commonName: 'logicops-azure-emulator',
      dnsNames: serverNames.filter((name) => !isIp(name)),
      ipAddresses: serverNames.filter(isIp),
      usage: 'server',
    },
    VALID_DAYS,
  );
  // Entra ID signs tokens with RS256; consumers that verify our tokens expect the same.
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    keys: {
      caCertPem: ca.certPem,
      caKeyPem: ca.keyPem,
      serverCertPem: leaf.certPem,
      serverKeyPem: leaf.keyPem,
      serverNames,
      signingKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    created: true,
  };
}

function isReusable(keys: PersistedKeys, serverNames: string[]): boolean {
  if (!serverNames.every((name) => keys.serverNames.includes(name))) return false;
  const notAfter = Date.parse(new X509Certificate(keys.serverCertPem).validTo);
  return notAfter - Date.now() > MIN_REMAINING_MS;
}

function isIp(name: string): boolean {
  return /^[\d.]+$/.test(name) || name.includes(':');
}
