// Reads `kubectl get` table output into rows keyed by column header.
export function parseTable(output: string): Array<Record<string, string>> {
  const [header, ...lines] = output.trimEnd().split('\n');
  if (!header) return [];
  // Columns start where a header word starts; values are cut at the same offsets.
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index ?? 0 }));
  return lines.map((line) =>
    Object.fromEntries(
      starts.map((col, i) => [col.name, line.slice(col.at, starts[i + 1]?.at ?? line.length).trim()]),
    ),
  );
}
