// The chart's NetworkPolicy, judged by what it lets through: a small evaluator applies the
// rendered egress rules to (address, port, protocol) the way NetworkPolicy does (rules are
// OR'ed; a rule without `to` matches every address; an ipBlock matches its cidr minus except).
import { describe, expect, it } from 'vitest';
import { named, ofKind, type RenderedObject, renderChart } from './support/rendered-chart.ts';

interface Port {
  port: number | string;
  /** NetworkPolicy's default is TCP. */
  protocol?: string;
}
interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: unknown;
  podSelector?: unknown;
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: Port[];
}
interface PolicySpec {
  podSelector: { matchLabels: Record<string, string> };
  policyTypes: string[];
  ingress: Rule[];
  egress: Rule[];
}

const TIMEOUT = 600_000;

function ipv4(address: string): number | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const ip = ipv4(address);
  const net = ipv4(base);
  if (ip === undefined || net === undefined) return false; // the IPv6 blocks never match an IPv4 address
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ip / size) === Math.floor(net / size);
}

/** Whether some egress rule lets a connection to `address:port/protocol` out (address peers only). */
function egressAllows(spec: PolicySpec, address: string, port: number, protocol = 'TCP'): boolean {
  return spec.egress.some((rule) => {
    const portOk =
      !rule.ports || rule.ports.some((p) => p.port === port && (p.protocol ?? 'TCP') === protocol);
    const peerOk =
      !rule.to ||
      rule.to.some(
        (peer) =>
          peer.ipBlock !== undefined &&
          inCidr(address, peer.ipBlock.cidr) &&
          !(peer.ipBlock.except ?? []).some((except) => inCidr(address, except)),
      );
    return portOk && peerOk;
  });
}

async function policy(values: Record<string, string> = {}): Promise<PolicySpec> {
  const objects = await renderChart(values);
  return (named(objects, 'NetworkPolicy', 'logicops') as RenderedObject & { spec: PolicySpec }).spec;
}

// Addresses a pod in an AKS cluster may reach (documentation and private-range examples).
const ARM_PUBLIC = '20.37.158.1'; // a public address, as management.azure.com resolves to
const IMDS = '169.254.169.254'; // the node's metadata endpoint: its managed identity
const WIRESERVER = '168.63.129.16';
const OTHER_POD = '10.244.3.17';
const KUBELET_NODE = '10.224.0.4';

describe('chart NetworkPolicy', () => {
  it(
    'is on by default, selects the operator pods and governs both directions',
    async () => {
      const spec = await policy();
      expect(spec.podSelector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'logicops',
        'app.kubernetes.io/instance': 'logicops',
      });
      expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    },
    TIMEOUT,
  );

  it(
    'lets in only metrics scrapes, from the configured peers; the health port gets no rule',
    async () => {
      const spec = await policy();
      expect(spec.ingress).toEqual([
        { ports: [{ port: 'metrics', protocol: 'TCP' }], from: [{ namespaceSelector: {} }] },
      ]);
      const narrowed = await policy({
        'networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name':
          'monitoring',
      });
      expect(narrowed.ingress[0]?.from).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
      ]);
    },
    TIMEOUT,
  );

  it(
    'lets out DNS to kube-dns only, on 53 UDP and TCP',
    async () => {
      const spec = await policy();
      const dns = spec.egress.filter((rule) => rule.ports?.some((p) => p.port === 53));
      expect(dns).toEqual([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
      ]);
      // DNS is by selector only: no address is open on 53.
      expect(egressAllows(spec, '8.8.8.8', 53, 'UDP')).toBe(false);
      expect(egressAllows(spec, OTHER_POD, 53, 'UDP')).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'by default: HTTPS and 6443 out; the node metadata endpoint, the wireserver and other ports stay shut',
    async () => {
      const spec = await policy();
      expect(egressAllows(spec, ARM_PUBLIC, 443)).toBe(true);
      expect(egressAllows(spec, KUBELET_NODE, 6443)).toBe(true); // a kubeadm API server
      for (const [address, port] of [
        [IMDS, 80],
        [WIRESERVER, 80],
        [WIRESERVER, 32526],
        [KUBELET_NODE, 10250],
        [OTHER_POD, 8080],
        [ARM_PUBLIC, 80],
        [ARM_PUBLIC, 22],
      ] as const) {
        expect(egressAllows(spec, address, port), `${address}:${port}`).toBe(false);
      }
      expect(egressAllows(spec, ARM_PUBLIC, 443, 'UDP')).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'with the API server listed, HTTPS reaches Azure and the API server but no pod, node or metadata endpoint',
    async () => {
      const spec = await policy({
        'networkPolicy.apiServer.to[0].ipBlock.cidr': '10.0.0.1/32',
        'networkPolicy.apiServer.to[1].ipBlock.cidr': '172.16.0.4/32',
        'networkPolicy.apiServer.ports': '{443}',
      });
      expect(egressAllows(spec, '10.0.0.1', 443)).toBe(true);
      expect(egressAllows(spec, '172.16.0.4', 443)).toBe(true);
      expect(egressAllows(spec, ARM_PUBLIC, 443)).toBe(true);
      for (const address of [OTHER_POD, KUBELET_NODE, IMDS, WIRESERVER, '192.168.1.10', '100.64.0.9']) {
        expect(egressAllows(spec, address, 443), address).toBe(false);
      }
      expect(egressAllows(spec, '172.16.0.4', 6443)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'a managed identity chosen by name may reach the metadata endpoint on port 80, nothing else new',
    async () => {
      const before = await policy();
      const spec = await policy({ 'azure.credential': 'managed-identity' });
      expect(egressAllows(before, IMDS, 80)).toBe(false);
      expect(egressAllows(spec, IMDS, 80)).toBe(true);
      expect(egressAllows(spec, '169.254.169.253', 80)).toBe(false);
      expect(egressAllows(spec, WIRESERVER, 80)).toBe(false);
      expect(spec.egress).toHaveLength(before.egress.length + 1);
    },
    TIMEOUT,
  );

  it(
    'takes an Azure address list instead of the default, and extra egress rules',
    async () => {
      const spec = await policy({
        'networkPolicy.azure.to[0].ipBlock.cidr': '20.37.158.0/23',
        'networkPolicy.extraEgress[0].to[0].ipBlock.cidr': '10.1.2.3/32',
        'networkPolicy.extraEgress[0].ports[0].port': '3128',
      });
      expect(egressAllows(spec, ARM_PUBLIC, 443)).toBe(true);
      expect(egressAllows(spec, '52.1.1.1', 443)).toBe(true); // still open through the API server rule
      expect(egressAllows(spec, '10.1.2.3', 3128)).toBe(true);
      const listed = await policy({
        'networkPolicy.azure.to[0].ipBlock.cidr': '20.37.158.0/23',
        'networkPolicy.apiServer.to[0].ipBlock.cidr': '10.0.0.1/32',
      });
      expect(egressAllows(listed, ARM_PUBLIC, 443)).toBe(true);
      expect(egressAllows(listed, '52.1.1.1', 443)).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'is not rendered when turned off',
    async () => {
      expect(ofKind(await renderChart({ 'networkPolicy.enabled': 'false' }), 'NetworkPolicy')).toEqual([]);
    },
    TIMEOUT,
  );
});
