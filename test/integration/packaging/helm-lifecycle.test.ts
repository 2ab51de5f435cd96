// The chart against a real kube-apiserver: lint, template, install (no --wait: no pods run
// here), Pod Security "restricted" admission of the operator's pod, an upgrade that changes
// a CRD, and uninstall (CRDs kept). A private control plane, so the chart owns the CRDs.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ControlPlane } from '@logicops/control-plane';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allCrds } from '../../../src/crds/index.ts';
import { helmCrdTemplate, unwrapHelmCrdTemplate } from '../../../src/crds/render.ts';
import type { CustomResourceDefinitionManifest } from '../../../src/crds/schema/json-schema.ts';
import { chartDir } from '../../support/packaging-tools.ts';
import { type Helm, helmFor } from './support/helm.ts';

const NAMESPACE = 'logicops-restricted';
const RELEASE = 'logicops';
const CRD_FILE = 'templates/crds/logicops.io_logicappworkflows.yaml';

interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: {
    containers: Array<{ securityContext: Record<string, unknown> }>;
    securityContext: Record<string, unknown>;
  };
}

let plane: ControlPlane;
let helm: Helm;

async function kubectlJson<T>(args: string[]): Promise<T> {
  const { stdout } = await plane.kubectl([...args, '-o', 'json']);
  return JSON.parse(stdout) as T;
}

async function operatorPodTemplate(): Promise<PodTemplate> {
  const deployment = await kubectlJson<{ spec: { template: PodTemplate } }>([
    'get',
    'deployment',
    RELEASE,
    '-n',
    NAMESPACE,
  ]);
  return deployment.spec.template;
}

async function dryRunPod(name: string, template: PodTemplate) {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: NAMESPACE, labels: template.metadata.labels },
    spec: template.spec,
  };
  return plane.kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
}

beforeAll(async () => {
  plane = await ControlPlane.start();
  helm = await helmFor(plane.kubeconfigPath);
  await plane.kubectl(['create', 'namespace', NAMESPACE]);
  await plane.kubectl(['label', 'namespace', NAMESPACE, 'pod-security.kubernetes.io/enforce=restricted']);
}, 900_000);

afterAll(async () => {
  await plane?.stop();
});

describe('Helm chart lifecycle', () => {
  it('lints clean (strict) and renders', async () => {
    const lint = await helm.run(['lint', '--strict', chartDir]);
    expect(lint.stdout).toContain('0 chart(s) failed');
    expect(lint.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    const all = await helm.run([
      'template',
      RELEASE,
      chartDir,
      '--namespace',
      NAMESPACE,
      '--set',
      'metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true,teamRole.enabled=true',
    ]);
    const kinds = all.stdout.match(/^kind: \S+/gm) ?? [];
    expect(new Set(kinds)).toEqual(
      new Set(
        [
          'CustomResourceDefinition',
          'ServiceAccount',
          'ClusterRole',
          'ClusterRoleBinding',
          'Role',
          'RoleBinding',
          'Deployment',
          'Service',
          'ServiceMonitor',
          'PrometheusRule',
          'PodDisruptionBudget',
          'NetworkPolicy',
        ].map((kind) => `kind: ${kind}`),
      ),
    );
  });

  it('refuses values the schema forbids', async () => {
    await expect(helm.run(['template', RELEASE, chartDir, '--set', 'replicaCount=0'])).rejects.toThrow(
      /replicaCount/,
    );
    await expect(helm.run(['template', RELEASE, chartDir, '--set', 'operator.workerz=3'])).rejects.toThrow(
      /workerz/,
    );
  });

  it('installs into the API server (no --wait) with the CRDs established', async () => {
    await helm.run(['install', RELEASE, chartDir, '--namespace', NAMESPACE]);
    const status = JSON.parse(
      (await helm.run(['status', RELEASE, '-n', NAMESPACE, '-o', 'json'])).stdout,
    ) as {
      info: { status: string };
    };
    expect(status.info.status).toBe('deployed');
    await plane.kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/logicappworkflows.logicops.io',
      'crd/vaultsecretbindings.logicops.io',
    ]);
    const account = await kubectlJson<{ metadata: { name: string } }>([
      'get',
      'sa',
      RELEASE,
      '-n',
      NAMESPACE,
    ]);
    expect(account.metadata.name).toBe(RELEASE);
    // On by default, and valid as the API server reads it (ipBlocks with their excepts).
    const policy = await kubectlJson<{ spec: { policyTypes: string[] } }>([
      'get',
      'networkpolicy',
      RELEASE,
      '-n',
      NAMESPACE,
    ]);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  it('the Deployment pod is admitted under Pod Security "restricted"; a privileged variant is refused', async () => {
    const template = await operatorPodTemplate();
    const admitted = await dryRunPod('operator-restricted', template);
    expect(admitted.stdout).toMatch(/pod\/operator-restricted created \(server dry run\)/);

    const privileged = structuredClone(template);
    const container = privileged.spec.containers[0];
    if (!container) throw new Error('the Deployment has no container');
    container.securityContext = {
      ...container.securityContext,
      privileged: true,
      allowPrivilegeEscalation: true,
    };
    await expect(dryRunPod('operator-privileged', privileged)).rejects.toThrow(
      /violates PodSecurity "restricted:latest".*privileged/s,
    );
  });

  it('helm upgrade with a changed CRD updates the CRD', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'logicops-chart-'));
    try {
      const chart = path.join(work, 'logicops');
      await cp(chartDir, chart, { recursive: true });
      const crdPath = path.join(chart, CRD_FILE);
      // The chart's copy is gated by crds.install; edit the CRD inside the gate.
      const crd = parse(unwrapHelmCrdTemplate(await readFile(crdPath, 'utf8'))) as {
        spec: { versions: Array<{ additionalPrinterColumns?: Array<Record<string, string>> }> };
      };
      const version = crd.spec.versions[0];
      if (!version) throw new Error('the CRD has no version');
      version.additionalPrinterColumns = [
        ...(version.additionalPrinterColumns ?? []),
        { name: 'Upgrade-Marker', type: 'string', jsonPath: '.metadata.uid' },
      ];
      await writeFile(crdPath, helmCrdTemplate(crd as unknown as CustomResourceDefinitionManifest));
      await helm.run(['upgrade', RELEASE, chart, '--namespace', NAMESPACE]);
      const served = await kubectlJson<typeof crd>(['get', 'crd', 'logicappworkflows.logicops.io']);
      const columns = served.spec.versions[0]?.additionalPrinterColumns?.map((column) => column.name);
      expect(columns).toContain('Upgrade-Marker');
      const history = JSON.parse(
        (await helm.run(['history', RELEASE, '-n', NAMESPACE, '-o', 'json'])).stdout,
      );
      expect(history).toHaveLength(2);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it('helm uninstall removes the release and keeps the CRDs', async () => {
    await helm.run(['uninstall', RELEASE, '--namespace', NAMESPACE]);
    await expect(plane.kubectl(['get', 'deployment', RELEASE, '-n', NAMESPACE])).rejects.toThrow(/NotFound/);
    await expect(plane.kubectl(['get', 'clusterrole', `${RELEASE}-manager`])).rejects.toThrow(/NotFound/);
    const kept = await kubectlJson<{ items: Array<{ metadata: { name: string } }> }>(['get', 'crd']);
    expect(kept.items.map((item) => item.metadata.name).sort()).toEqual(
      allCrds()
        .map((crd) => crd.metadata.name)
        .sort(),
    );
  });
});
