// Gathers everything a suite's operators produced that a human or a monitoring system may read —
// log files, Events, object status, metrics — and scans it for the suite's secrets and the tokens
// the emulator issued. The scan proves itself on every run: a canary planted in a copy of the
// real material must be found, or the zero means nothing.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { type KubeObject, suiteKubeConfig } from '../support/kube.ts';
import { type Haystack, type Leak, type Needle, scanForLeaks } from './leak-scanner.ts';

export interface Material {
  logFiles: string[];
  namespaces: string[];
  objects: readonly KubeObject[];
  metrics: string[];
}

export async function gatherHaystacks(material: Material): Promise<Haystack[]> {
  const haystacks: Haystack[] = [];
  for (const file of material.logFiles)
    haystacks.push({ source: `log ${file}`, text: await readFile(file, 'utf8') });
  const core = suiteKubeConfig().makeApiClient(CoreV1Api);
  for (const namespace of material.namespaces) {
    const events = await core.listNamespacedEvent({ namespace });
    haystacks.push({ source: `events ${namespace}`, text: JSON.stringify(events.items) });
  }
  haystacks.push({ source: 'status', text: JSON.stringify(material.objects.map((o) => o.status ?? {})) });
  material.metrics.forEach((text, i) => {
    haystacks.push({ source: `metrics #${i + 1}`, text });
  });
  return haystacks;
}

export interface ScanResult {
  leaks: Leak[];
  needles: number;
  haystackBytes: number;
  canaryFound: boolean;
}

export function scanWithCanary(needles: readonly Needle[], haystacks: readonly Haystack[]): ScanResult {
  const leaks = scanForLeaks(needles, haystacks);
  // Plant a canary in the middle of the largest real haystack, as a log line would carry it.
  const canary: Needle = { label: 'canary', value: `canary-${randomBytes(16).toString('hex')}` };
  const largest = [...haystacks].sort((a, b) => b.text.length - a.text.length)[0];
  const middle = Math.floor((largest?.text.length ?? 0) / 2);
  const planted: Haystack = {
    source: 'planted',
    text: `${largest?.text.slice(0, middle) ?? ''}{"msg":${JSON.stringify(canary.value)}}\n${largest?.text.slice(middle) ?? ''}`,
  };
  const canaryFound = scanForLeaks([canary], [planted]).length === 1;
  return {
    leaks,
    needles: needles.length,
    haystackBytes: haystacks.reduce((sum, h) => sum + h.text.length, 0),
    canaryFound,
  };
}
