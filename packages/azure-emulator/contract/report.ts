// Sums the per-test-file tallies of the contract check and renders the table printed at the end
// of the emulator and integration tiers.
import type { OperationTally, Tally, Violation } from './contract-check.ts';

export interface TallyFile {
  file: string;
  tally: Tally;
  /** Violations that were still pending when the file ended (a test should already have failed). */
  violations: Violation[];
}

export function sumTallies(files: readonly TallyFile[]): Tally {
  const total: Tally = { operations: {}, unchecked: {} };
  for (const { tally } of files) {
    for (const [operation, counts] of Object.entries(tally.operations)) {
      const sum = total.operations[operation] ?? { requests: 0, responses: 0, violations: 0, expected: 0 };
      total.operations[operation] = sum;
      sum.requests += counts.requests;
      sum.responses += counts.responses;
      sum.violations += counts.violations;
      sum.expected += counts.expected;
    }
    for (const [route, count] of Object.entries(tally.unchecked)) {
      total.unchecked[route] = (total.unchecked[route] ?? 0) + count;
    }
  }
  return total;
}

export function renderTally(project: string, tally: Tally): string {
  const rows = Object.entries(tally.operations).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(9, ...rows.map(([operation]) => operation.length));
  const row = (name: string, c: OperationTally) =>
    `  ${name.padEnd(width)}  ${String(c.requests).padStart(8)}  ${String(c.responses).padStart(9)}  ${String(c.violations - c.expected).padStart(10)}  ${String(c.expected).padStart(8)}`;
  const total = rows.reduce<OperationTally>(
    (sum, [, c]) => ({
      requests: sum.requests + c.requests,
      responses: sum.responses + c.responses,
      violations: sum.violations + c.violations,
      expected: sum.expected + c.expected,
    }),
    { requests: 0, responses: 0, violations: 0, expected: 0 },
  );
  const lines = [
    `[contract] ${project}: bodies validated against the Azure REST spec schemas (packages/azure-emulator/contract/schemas)`,
    `  ${'operation'.padEnd(width)}  requests  responses  violations  expected`,
    ...rows.map(([operation, counts]) => row(operation, counts)),
    row('total', total),
  ];
  const unchecked = Object.entries(tally.unchecked).sort(([a], [b]) => a.localeCompare(b));
  if (unchecked.length > 0) {
    lines.push(
      `  not covered by a schema (no SDK call in the project, or not an Azure route): ${unchecked.map(([route, n]) => `${route} ×${n}`).join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function describeViolations(violations: readonly Violation[]): string {
  return violations
    .map(
      (v) =>
        `  ${v.operation} ${v.direction} (${v.method} ${v.path} → ${v.status}) at '${v.pointer}': ${v.message}`,
    )
    .join('\n');
}
