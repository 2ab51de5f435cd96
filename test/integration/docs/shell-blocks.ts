// Finds the fenced shell blocks of the README, docs/ and the workspace packages' READMEs. Each block either runs in CI
// (test/integration/docs/shell-blocks.test.ts) or is preceded by a marker line
//   <!-- not-run-in-ci: <why it cannot run here> -->
// so a reader sees at once which commands were proven and which need something we lack.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ShellBlock {
  file: string;
  line: number;
  script: string;
  /** Set when the block carries a not-run-in-ci marker. */
  notRunReason?: string;
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell']);
const MARKER = /^<!--\s*not-run-in-ci:\s*(.*?)\s*-->$/;

export function documentationFiles(root: string): string[] {
  const docs = readdirSync(path.join(root, 'docs'), { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.join('docs', file));
  // The workspace packages' READMEs are documentation too (packages/azure-emulator/README.md).
  const packageReadmes = readdirSync(path.join(root, 'packages'))
    .map((name) => path.join('packages', name, 'README.md'))
    .filter((file) => existsSync(path.join(root, file)));
  return ['README.md', ...docs, ...packageReadmes].sort();
}

export function shellBlocks(root: string, file: string): ShellBlock[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^\s*```(\w+)\s*$/.exec(lines[i] ?? '');
    if (!fence) continue;
    const end = lines.findIndex((line, j) => j > i && line.trimStart().startsWith('```'));
    if (end < 0) break;
    if (SHELL_LANGUAGES.has(fence[1] ?? '')) {
      let previous = i - 1;
      while (previous >= 0 && (lines[previous] ?? '').trim() === '') previous--;
      const marker = MARKER.exec((lines[previous] ?? '').trim());
      blocks.push({
        file,
        line: i + 1,
        script: dedent(lines.slice(i + 1, end)),
        ...(marker ? { notRunReason: marker[1] ?? '' } : {}),
      });
    }
    i = end;
  }
  return blocks;
}

/** Fences inside list items are indented; the script is not. */
function dedent(lines: string[]): string {
  const indents = lines
    .filter((line) => line.trim() !== '')
    .map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common)).join('\n');
}
