// The doctor's findings: one row per thing checked, a table for people and JSON for scripts.
// A row never holds a secret or a token: details are names, scopes, counts and what to do.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckRow {
  /** The check, e.g. `kubernetes`, `crd`, `rbac`, `azure-token`, `azure-permissions`. */
  check: string;
  /** What it was checked on (a CRD name, a namespace, an ARM scope); empty for the whole check. */
  target: string;
  status: CheckStatus;
  /** What was found and, when not ok, what to do. */
  detail: string;
}

export interface DoctorReport {
  ok: boolean;
  rows: CheckRow[];
}

export function report(rows: CheckRow[]): DoctorReport {
  return { ok: rows.every((row) => row.status !== 'fail'), rows };
}

/** 0 when no check failed, 1 otherwise (warnings and skips do not fail). */
export function exitCodeOf(result: DoctorReport): number {
  return result.ok ? 0 : 1;
}

const STATUS_LABEL: Record<CheckStatus, string> = { ok: 'OK', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** A plain-text table (ASCII only, so any terminal and log shows it). */
export function renderTable(result: DoctorReport): string {
  const header = { status: 'STATUS', check: 'CHECK', target: 'TARGET', detail: 'DETAIL' };
  const lines = result.rows.map((row) => ({
    status: STATUS_LABEL[row.status],
    check: row.check,
    target: row.target,
    detail: row.detail,
  }));
  const width = (key: 'status' | 'check' | 'target') =>
    Math.max(header[key].length, ...lines.map((line) => line[key].length));
  const widths = { status: width('status'), check: width('check'), target: width('target') };
  const format = (line: typeof header) =>
    `${line.status.padEnd(widths.status)}  ${line.check.padEnd(widths.check)}  ${line.target.padEnd(widths.target)}  ${line.detail}`.trimEnd();
  const failed = result.rows.filter((row) => row.status === 'fail').length;
  const warned = result.rows.filter((row) => row.status === 'warn').length;
  const summary = result.ok
    ? `all checks passed${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`
    : `${failed} check${failed === 1 ? '' : 's'} failed${warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}`;
  return [format(header), ...lines.map(format), '', summary].join('\n');
}

export function renderJson(result: DoctorReport): string {
  return JSON.stringify(result, null, 2);
}
