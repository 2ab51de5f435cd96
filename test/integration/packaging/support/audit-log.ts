// Reads the API server's JSON audit log (packages/control-plane/src: `ControlPlane.start({ audit: true })`)
// and answers two questions for one user: which verb/resource pairs did it use, and was
// anything refused.
import { readFile } from 'node:fs/promises';

interface AuditEvent {
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  impersonatedUser?: { username: string };
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  };
  responseStatus?: { code?: number };
}

export interface UserActivity {
  /** `verb group/resource[/subresource]`, core group as `core`, sorted and unique. */
  used: string[];
  /** Requests answered 401/403, as `verb requestURI (code)`. */
  denied: string[];
  requests: number;
}

export function pairOf(event: Pick<AuditEvent, 'verb' | 'objectRef'>): string | undefined {
  const ref = event.objectRef;
  if (!ref?.resource) return undefined;
  const resource = ref.subresource ? `${ref.resource}/${ref.subresource}` : ref.resource;
  return `${event.verb} ${ref.apiGroup || 'core'}/${resource}`;
}

export async function activityOf(auditLogPath: string, username: string): Promise<UserActivity> {
  const lines = (await readFile(auditLogPath, 'utf8')).split('\n').filter(Boolean);
  const used = new Set<string>();
  const denied: string[] = [];
  let requests = 0;
  for (const line of lines) {
    const event = JSON.parse(line) as AuditEvent;
    const actor = event.impersonatedUser?.username ?? event.user.username;
    // ResponseStarted is logged for watches as well; count each request once, when complete.
    if (actor !== username || event.stage !== 'ResponseComplete') continue;
    requests++;
    const code = event.responseStatus?.code ?? 0;
    if (code === 401 || code === 403) {
      denied.push(`${event.verb} ${event.requestURI} (${code})`);
      continue;
    }
    const pair = pairOf(event);
    if (pair) used.add(pair);
  }
  return { used: [...used].sort(), denied, requests };
}
