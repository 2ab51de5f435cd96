// The shipped samples (config/samples) applied into a namespace as a user would, and a wait
// until the operator has reconciled every one to Ready: the state `logicops dev` reaches.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from '../../support/eventually.ts';
import { kubectl } from './cluster.ts';

const samplesDir = new URL('../../../config/samples/', import.meta.url).pathname;

export async function applySamples(namespace: string): Promise<void> {
  const entries = await readdir(samplesDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) await kubectl(['apply', '--server-side', '-n', namespace, '-f', file]);
}

/** Waits until every logicops object in the namespace is Ready=True; returns how many there are. */
export async function waitAllReady(namespace: string, timeoutMs = 90_000): Promise<number> {
  return eventually(
    async () => {
      const { stdout } = await kubectl(['get', 'logicops', '-n', namespace, '-o', 'json']);
      const items = (
        JSON.parse(stdout) as {
          items: Array<{
            metadata: { name: string };
            status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
          }>;
        }
      ).items;
      const waiting = items.filter(
        (item) => !item.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      if (items.length === 0 || waiting.length > 0) {
        throw new Error(
          `not Ready yet: ${waiting.map((item) => item.metadata.name).join(', ') || 'no objects'}`,
        );
      }
      return items.length;
    },
    timeoutMs,
    250,
  );
}
