// The API server's audit log (a private control plane started with `audit: true`) read as a
// recording of who wrote what, when: the failover suite gives each operator process its own
// user, so the log attributes every Kubernetes request to one instance.
import { readFile } from 'node:fs/promises';

export interface AuditRecord {
  user: string;
  verb: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  code?: number;
  /** When the API server received the request, ms since the epoch. */
  receivedMs: number;
  /** When it finished answering (the change is stored by then), ms since the epoch. */
  completedMs: number;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export function isWrite(record: AuditRecord): boolean {
  return WRITE_VERBS.has(record.verb);
}

interface RawAuditEvent {
  stage?: string;
  verb?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
}

/** Every completed request in the log (one line per request; watches have no ResponseComplete until they end). */
export async function readAudit(logPath: string): Promise<AuditRecord[]> {
  const text = await readFile(logPath, 'utf8');
  const records: AuditRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as RawAuditEvent;
    if (event.stage !== 'ResponseComplete') continue;
    records.push({
      user: event.user?.username ?? '',
      verb: event.verb ?? '',
      resource: event.objectRef?.resource ?? '',
      subresource: event.objectRef?.subresource,
      namespace: event.objectRef?.namespace,
      name: event.objectRef?.name,
      code: event.responseStatus?.code,
      receivedMs: Date.parse(event.requestReceivedTimestamp ?? ''),
      completedMs: Date.parse(event.stageTimestamp ?? event.requestReceivedTimestamp ?? ''),
    });
  }
  return records;
}

/** `resource[/subresource] namespace/name verb code`: short enough to print, specific enough to act on. */
export function describeRecord(record: AuditRecord): string {
  const resource = record.subresource ? `${record.resource}/${record.subresource}` : record.resource;
  return `${record.verb} ${resource} ${record.namespace ?? ''}/${record.name ?? ''} → ${record.code ?? '?'}`;
}

/** Successful Lease writes by `user` from `fromMs` on (acquire, renew or release), in order. */
export function leaseWrites(
  records: readonly AuditRecord[],
  user: string,
  lease: string,
  fromMs: number,
): AuditRecord[] {
  return records
    .filter(
      (r) =>
        r.user === user &&
        r.resource === 'leases' &&
        r.name === lease &&
        (r.verb === 'update' || r.verb === 'create') &&
        r.code !== undefined &&
        r.code < 300 &&
        r.completedMs >= fromMs,
    )
    .sort((a, b) => a.completedMs - b.completedMs);
}
