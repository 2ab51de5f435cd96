// A leak scan that could not read a source must fail, not report "no leak": each way a collector
// can come back with nothing (an error, an empty file, a log written at info, a wrong namespace,
// a failed scrape, an emulator that kept no bodies or dropped some) is refused, by name.

import type { CapturedRequestBody } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import {
  collectHaystacks,
  eventHaystack,
  type HaystackSource,
  logHaystacks,
  metricsHaystack,
  recordHaystack,
  requestBodyHaystacks,
  statusHaystack,
} from '../../chaos/security/haystacks.ts';

const line = (level: number, msg: string) => JSON.stringify({ level, time: 1, name: 'logicops', msg });
const source = (name: string, read: HaystackSource['read']): HaystackSource => ({ source: name, read });
const body = (operation: string, text: string, seq = 1): CapturedRequestBody => ({
  seq,
  at: '2026-01-01T00:00:00.000Z',
  method: 'PUT',
  path: '/subscriptions/x',
  plane: 'arm',
  operation,
  status: 200,
  body: text,
});

describe('collecting haystacks', () => {
  it('returns what every source read', async () => {
    const haystacks = await collectHaystacks([
      source('a', async () => [{ source: 'a', text: 'one' }]),
      source('b', async () => [
        { source: 'b [x]', text: 'two' },
        { source: 'b [y]', text: '' },
      ]),
    ]);
    expect(haystacks).toEqual([
      { source: 'a', text: 'one' },
      { source: 'b [x]', text: 'two' },
    ]);
  });

  it('fails the scan when a source throws, naming every source that failed', async () => {
    const scan = collectHaystacks([
      source('log a', async () => {
        throw new Error("ENOENT: no such file or directory, open '/tmp/wrong.log'");
      }),
      source('events ns', async () => [{ source: 'events ns', text: '[{}]' }]),
      source('metrics #1', async () => {
        throw new Error('connect ECONNREFUSED');
      }),
    ]);
    await expect(scan).rejects.toThrow(/- log a: ENOENT[\s\S]*- metrics #1: connect ECONNREFUSED/);
  });

  it('fails the scan when a source reads nothing', async () => {
    await expect(collectHaystacks([source('status ns', async () => [])])).rejects.toThrow(
      /status ns: nothing to scan/,
    );
    await expect(
      collectHaystacks([source('status ns', async () => [{ source: 'status ns', text: '  \n' }])]),
    ).rejects.toThrow(/status ns: nothing to scan/);
  });

  it('fails a scan given no sources at all', async () => {
    await expect(collectHaystacks([])).rejects.toThrow(/nothing to read/);
  });
});

describe('log haystacks', () => {
  it('splits a pino log by level, and keeps lines that are not JSON', () => {
    const text = [
      line(20, 'Reconciled object'),
      line(30, 'Created'),
      'TypeError: boom',
      line(20, 'Listed'),
    ].join('\n');
    expect(logHaystacks('log x', `${text}\n`)).toEqual([
      { source: 'log x [debug]', text: `${line(20, 'Reconciled object')}\n${line(20, 'Listed')}` },
      { source: 'log x [info]', text: line(30, 'Created') },
      { source: 'log x [not JSON]', text: 'TypeError: boom' },
    ]);
  });

  it('refuses a log written at info: the debug lines were never there to scan', () => {
    expect(() => logHaystacks('log x', [line(30, 'Created'), line(40, 'Stalled')].join('\n'))).toThrow(
      /no debug-level line: start the operator with --log-level debug/,
    );
  });

  it('refuses an empty log (the wrong file)', () => {
    expect(() => logHaystacks('log x', '')).toThrow(/the log is empty/);
  });

  it('accepts trace as the debug level or more', () => {
    expect(logHaystacks('log x', line(10, 'deep')).map((h) => h.source)).toEqual(['log x [trace]']);
  });
});

describe('Kubernetes haystacks', () => {
  it('refuses a namespace without Events (the wrong namespace)', () => {
    expect(() => eventHaystack('events ns', [])).toThrow(/no Events in the namespace/);
    expect(eventHaystack('events ns', [{ note: 'Created' }]).text).toContain('Created');
  });

  it('refuses a namespace without objects, or whose objects have no status', () => {
    expect(() => statusHaystack('status ns', [])).toThrow(/no objects/);
    expect(() => statusHaystack('status ns', [{ metadata: { name: 'a' } }, { status: {} }])).toThrow(
      /none of 2 objects has a status/,
    );
  });

  it('scans status only, not what the team wrote in spec', () => {
    const text = statusHaystack('status ns', [
      { kind: 'LogicAppWorkflow', metadata: { name: 'a' }, status: { observedGeneration: 1 } },
      { kind: 'LogicAppWorkflow', metadata: { name: 'b' } },
    ]).text;
    expect(JSON.parse(text)).toEqual([
      { kind: 'LogicAppWorkflow', name: 'a', status: { observedGeneration: 1 } },
      { kind: 'LogicAppWorkflow', name: 'b', status: {} },
    ]);
  });
});

describe('operator records', () => {
  it('refuses a namespace without records (the operator wrote none, or they are elsewhere)', () => {
    expect(() => recordHaystack('records ns', [])).toThrow(/no operator records for the namespace/);
  });

  it('scans the record payloads and the object they are about', () => {
    const text = recordHaystack('records ns', [
      {
        metadata: { name: 'logicops-grant-1', annotations: { 'logicops.io/object': 'ns/key' } },
        data: { record: '{"principalId":"p-1"}' },
      },
    ]).text;
    expect(text).toContain('ns/key');
    expect(text).toContain('principalId');
  });
});

describe('metrics and request-body haystacks', () => {
  it('refuses a scrape that is not Prometheus text', () => {
    expect(() => metricsHaystack('metrics #1', '')).toThrow(/not a Prometheus exposition/);
    expect(() => metricsHaystack('metrics #1', '<html>502 Bad Gateway</html>')).toThrow(/not a Prometheus/);
    expect(metricsHaystack('metrics #1', '# HELP x y\n# TYPE x gauge\nx 1\n').text).toContain('x 1');
  });

  it('splits the captured bodies by Azure operation', () => {
    const haystacks = requestBodyHaystacks('azure #1', {
      bodies: [
        body('Microsoft.Logic/workflows/write', '{"a":1}', 1),
        body('Microsoft.KeyVault/vaults/accessPolicies/write', '{"b":2}', 2),
        body('Microsoft.Logic/workflows/write', '{"c":3}', 3),
      ],
      droppedBodies: 0,
      droppedBytes: 0,
    });
    expect(haystacks).toEqual([
      { source: 'azure #1 (Microsoft.Logic/workflows/write)', text: '{"a":1}\n{"c":3}' },
      { source: 'azure #1 (Microsoft.KeyVault/vaults/accessPolicies/write)', text: '{"b":2}' },
    ]);
  });

  it('refuses a capture that dropped bodies, or holds none', () => {
    expect(() =>
      requestBodyHaystacks('azure #1', {
        bodies: [body('Microsoft.Logic/workflows/write', '{}')],
        droppedBodies: 3,
        droppedBytes: 900,
      }),
    ).toThrow(/dropped 3 request bodies \(900 bytes\).*raise captureRequestBodies.maxBytes/);
    expect(() => requestBodyHaystacks('azure #1', { bodies: [], droppedBodies: 0, droppedBytes: 0 })).toThrow(
      /received no request bodies/,
    );
  });
});
