import { describe, expect, it } from 'vitest';
import { renderProgress } from '../../../dev/dev-progress.ts';

describe('renderProgress', () => {
  it('aligns columns, sorts rows and counts Ready objects', () => {
    const table = renderProgress([
      {
        kind: 'VaultSecretBinding',
        name: 'b',
        ready: 'False',
        reason: 'WaitingForPrincipal',
        message: 'waiting',
      },
      { kind: 'LogicAppWorkflow', name: 'a', ready: 'True', reason: 'Succeeded', message: 'in sync' },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^ {2}KIND {16}NAME {2}READY {2}REASON {15}MESSAGE$/);
    expect(lines[1]).toContain('LogicAppWorkflow    a     True   Succeeded');
    expect(lines[2]).toContain('VaultSecretBinding  b     False  WaitingForPrincipal  waiting');
    expect(lines[3]).toBe('  1/2 Ready');
  });

  it('keeps long messages on one line', () => {
    const table = renderProgress([
      { kind: 'K', name: 'n', ready: 'False', reason: 'R', message: `${'x'.repeat(100)}\nsecond line` },
    ]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toContain('…');
  });

  it('says when there is nothing yet', () => {
    expect(renderProgress([])).toContain('no objects yet');
  });
});
