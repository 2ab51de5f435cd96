// The controllers' layering (issue 22): a kind's folder imports the shared frame and its own
// files, never another kind's folder; shared code imports no kind. A new kind then cannot grow
// into an existing one. Read from the source, so a new import that breaks it fails here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CONTROLLERS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/controllers');
const KINDS = readdirSync(CONTROLLERS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'shared')
  .map((entry) => entry.name);

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** The folder directly below src/controllers that an import of `file` lands in ('' for files at the top). */
function importedTopFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s*'(\.[^']+)'/gm)].map(
    (m) => m[1] ?? '',
  );
  return specifiers
    .map((specifier) => path.relative(CONTROLLERS, path.resolve(path.dirname(file), specifier)))
    .filter((relative) => !relative.startsWith('..'))
    .map((relative) => (relative.includes(path.sep) ? (relative.split(path.sep)[0] ?? '') : ''));
}

describe('controllers layering', () => {
  it('finds the kinds it checks', () => {
    expect(KINDS).toEqual(expect.arrayContaining(['logic-app-workflow', 'vault-secret-binding']));
  });

  it.each(KINDS)('%s imports no other kind’s folder', (kind) => {
    const offending = sourcesUnder(path.join(CONTROLLERS, kind)).flatMap((file) =>
      importedTopFolders(file)
        .filter((folder) => KINDS.includes(folder) && folder !== kind)
        .map((folder) => `${path.relative(CONTROLLERS, file)} → ${folder}/`),
    );
    expect(offending).toEqual([]);
  });

  it('shared code (the frame included) imports no kind', () => {
    const offending = sourcesUnder(path.join(CONTROLLERS, 'shared')).flatMap((file) =>
      importedTopFolders(file)
        .filter((folder) => KINDS.includes(folder))
        .map((folder) => `${path.relative(CONTROLLERS, file)} → ${folder}/`),
    );
    expect(offending).toEqual([]);
  });
});
