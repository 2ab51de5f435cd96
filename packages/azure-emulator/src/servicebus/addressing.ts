// How clients reach the Service Bus data plane: the namespace's real host,
// `{namespace}.servicebus.windows.net`, as the connector's `namespaceEndpoint` names it. The
// emulator's certificate covers `*.servicebus.windows.net`, and the Key Vault data-plane agent
// (keyvault/addressing.ts: every connection to the emulator, SNI and Host kept) works for these
// hosts too.

/** Certificate names the Service Bus data plane needs (wildcard: one namespace label). */
export const SERVICE_BUS_SERVER_NAMES = ['*.servicebus.windows.net'];

/** Namespace names: 6-50 letters, digits and hyphens, starting with a letter. */
const NAMESPACE_HOST = /^(?<name>[a-z][a-z0-9-]{4,48}[a-z0-9])\.servicebus\.windows\.net\.?(?::\d+)?$/i;

/** The namespace a data-plane request is for, from its Host header; undefined for every other host. */
export function serviceBusNamespaceFromHost(host: string | undefined): string | undefined {
  return host ? NAMESPACE_HOST.exec(host)?.groups?.name : undefined;
}

export function serviceBusHost(namespace: string): string {
  return `${namespace.toLowerCase()}.servicebus.windows.net`;
}
