// The live table `logicops dev` prints: one row per object with its Ready condition.

export interface ObjectRow {
  kind: string;
  name: string;
  ready: string;
  reason: string;
  message: string;
}

const MESSAGE_WIDTH = 70;

export function renderProgress(rows: readonly ObjectRow[]): string {
  if (rows.length === 0) return '  (no objects yet)';
  const header: ObjectRow = {
    kind: 'KIND',
    name: 'NAME',
    ready: 'READY',
    reason: 'REASON',
    message: 'MESSAGE',
  };
  const sorted = [...rows].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  const all = [header, ...sorted];
  const width = (pick: (row: ObjectRow) => string) => Math.max(...all.map((row) => pick(row).length));
  const widths = [width((r) => r.kind), width((r) => r.name), width((r) => r.ready), width((r) => r.reason)];
  const ready = rows.filter((row) => row.ready === 'True').length;
  const lines = all.map((row) =>
    [row.kind, row.name, row.ready, row.reason]
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .concat(truncate(row.message))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.map((line) => `  ${line}`).join('\n')}\n  ${ready}/${rows.length} Ready`;
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length <= MESSAGE_WIDTH ? oneLine : `${oneLine.slice(0, MESSAGE_WIDTH - 1)}…`;
}
