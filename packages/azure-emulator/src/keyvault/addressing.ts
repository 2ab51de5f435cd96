// How clients reach the data plane. Vaults keep their real URI, `https://{name}.vault.azure.net/`
// (the operator derives secret URIs from it, and the SDK parses secret ids that must be
// exactly `/secrets/{name}/{version}` on the vault's origin, so a path prefix cannot work).
// The emulator answers any request whose Host is `{name}.vault.<domain>`, its certificate
// covers `*.vault.azure.net`, and `dataPlaneAgent` sends every connection to the emulator
// while keeping the vault's host name for SNI and the Host header.
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/** Certificate names the data plane needs (wildcard: one vault-name label). */
export const DATA_PLANE_SERVER_NAMES = ['*.vault.azure.net'];

const VAULT_HOST = /^(?<name>[a-z0-9-]{3,24})\.vault\.(?<domain>[a-z0-9.-]+?)\.?(?::\d+)?$/i;

/** The vault a data-plane request is for, from its Host header; undefined for every other host. */
export function vaultNameFromHost(host: string | undefined): string | undefined {
  return host ? VAULT_HOST.exec(host)?.groups?.name : undefined;
}

/** The `resource` a vault's 401 challenge names: `https://vault.azure.net` for `x.vault.azure.net`. */
export function challengeResourceFor(host: string): string {
  const domain = VAULT_HOST.exec(host)?.groups?.domain ?? 'azure.net';
  return `https://vault.${domain.toLowerCase()}`;
}

/**
 * An https.Agent for SecretClient (`{ agent }` option): every connection goes to the emulator's
 * address and port; TLS still checks the certificate against the vault's host name.
 */
export function createDataPlaneAgent(target: { host: string; port: number }): https.Agent {
  class EmulatorDataPlaneAgent extends https.Agent {
    override createConnection(
      options: tls.ConnectionOptions,
      callback?: (error: Error | null, socket: Duplex) => void,
    ): Duplex {
      const servername = options.servername || options.host || undefined;
      const socket = tls.connect({
        ...options,
        host: target.host,
        port: target.port,
        ...(servername ? { servername } : {}),
      });
      if (callback) socket.once('secureConnect', () => callback(null, socket));
      return socket;
    }
  }
  return new EmulatorDataPlaneAgent({ keepAlive: false });
}
