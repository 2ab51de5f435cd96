// Gathers everything a suite's operators produced that a human, a monitoring system or Azure may
// read — log files (written at debug level), Events (events.k8s.io/v1), the status of every
// object, the operator's own records, metrics, and every request body the operator sent to the
// emulator — and scans it for
// the suite's secrets, client secrets and the tokens the emulator issued. A source that cannot be
// read, or holds nothing where the operator must have written something, fails the scan
// (haystacks.ts); that the collectors reach the real content is shown by the leak-control suite,
// which plants a value at the origin of each source and must find it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import type { Emulator } from '@logicops/azure-emulator';
import { recordSelector } from '../../../src/controllers/shared/records/record-configmap.ts';
import { listObjects, suiteKubeConfig } from '../support/kube.ts';
import {
  collectHaystacks,
  eventHaystack,
  type HaystackSource,
  logHaystacks,
  metricsHaystack,
  recordHaystack,
  requestBodyHaystacks,
  statusHaystack,
} from './haystacks.ts';
import { type Leak, type Needle, scanForLeaks } from './leak-scanner.ts';

export interface Material {
  /** Every file the suite's operator processes wrote to (they run at debug level). */
  logFiles: string[];
  /** The namespaces the operators worked in: their Events and the status of their objects. */
  namespaces: string[];
  /**
   * Whether objects (and so status and records) still exist there; default true. A suite that
   * deletes everything scans status and records before its deletions, and the rest at the end.
   */
  objectsLive?: boolean;
  /** /metrics scrapes of the operators. */
  metrics: string[];
  /** The emulators the operators talked to, started with captureRequestBodies. */
  emulators: Array<Pick<Emulator, 'requestBodies'>>;
}

export function materialSources(material: Material): HaystackSource[] {
  const kubeConfig = suiteKubeConfig();
  const events = kubeConfig.makeApiClient(EventsV1Api);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const liveNamespaces = material.objectsLive === false ? [] : material.namespaces;
  return [
    ...material.logFiles.map((file) => {
      const source = `log ${path.basename(path.dirname(file))}/${path.basename(file)}`;
      return { source, read: async () => logHaystacks(source, await readFile(file, 'utf8')) };
    }),
    ...material.namespaces.map((namespace) => {
      const source = `events ${namespace}`;
      return {
        source,
        read: async () => [eventHaystack(source, (await events.listNamespacedEvent({ namespace })).items)],
      };
    }),
    ...liveNamespaces.map((namespace) => {
      const source = `status ${namespace}`;
      return {
        source,
        read: async () => [
          statusHaystack(source, [
            ...(await listObjects(namespace, 'LogicAppWorkflow')),
            ...(await listObjects(namespace, 'VaultSecretBinding')),
          ]),
        ],
      };
    }),
    ...liveNamespaces.map((namespace) => {
      // Wherever --records-namespace put them: the labels name the namespace they are about.
      const source = `records ${namespace}`;
      return {
        source,
        read: async () => {
          const list = await core.listConfigMapForAllNamespaces({
            labelSelector: recordSelector([namespace]),
          });
          return [recordHaystack(source, list.items)];
        },
      };
    }),
    ...material.metrics.map((text, i) => {
      const source = `metrics #${i + 1}`;
      return { source, read: async () => [metricsHaystack(source, text)] };
    }),
    ...material.emulators.map((emulator, i) => {
      const source = `azure request bodies #${i + 1}`;
      return { source, read: async () => requestBodyHaystacks(source, emulator.requestBodies()) };
    }),
  ];
}

export interface ScanResult {
  leaks: Leak[];
  needles: number;
  /** Every haystack scanned, by source, with its size: what "no leak" covers. */
  haystacks: Array<{ source: string; bytes: number }>;
  haystackBytes: number;
}

export async function scanMaterial(needles: readonly Needle[], material: Material): Promise<ScanResult> {
  const haystacks = await collectHaystacks(materialSources(material));
  // One value planted under two labels (a world's list and the emulator's state) is one needle.
  const unique = [...new Map(needles.map((n) => [n.value, n])).values()];
  return {
    leaks: scanForLeaks(unique, haystacks),
    needles: unique.length,
    haystacks: haystacks.map((h) => ({ source: h.source, bytes: h.text.length })),
    haystackBytes: haystacks.reduce((sum, h) => sum + h.text.length, 0),
  };
}
