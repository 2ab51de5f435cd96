// Issue 25, callback URLs, through the full operator (both controllers as `logicops run` wires
// them, logging at debug level into memory) against a real API server and the Azure emulator: a
// callback URL, before and after a key rotation, is in the Secret the workflow names and nowhere
// else the operator writes — no log line, Event, status or metric holds it or its signature (the
// leak scanner of test/chaos/security, every spelling it knows). A workflow without an identity
// or secure parameters has no operator record to scan.
//
// The URL points at the emulator (packages/azure-emulator/README.md, "Callback URLs"); its `sig`
// is what authorizes a caller (Microsoft Learn, "Secure access and data in Azure Logic Apps":
// "Your logic app authorizes only those triggers that contain a valid signature").
import { CoreV1Api, EventsV1Api } from '@kubernetes/client-node';
import { DEFINITION } from '@logicops/azure-emulator/test-support/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIC_APP_WORKFLOW_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { ROTATE_ACCESS_KEY_ANNOTATION } from '../../../../src/vocabulary.ts';
import {
  eventHaystack,
  logHaystacks,
  metricsHaystack,
  statusHaystack,
} from '../../../chaos/security/haystacks.ts';
import { type Needle, scanForLeaks } from '../../../chaos/security/leak-scanner.ts';
import { eventually } from '../../../support/eventually.ts';
import { adminKubeConfig } from '../../support/cluster.ts';
import { captureDebugLog } from '../../support/log-capture.ts';
import { type InProcessOperator, startInProcessOperator } from '../../support/operator-env.ts';
import {
  condition,
  createWorkflow,
  type MustShowWorld,
  readWorkflow,
  startMustShowWorld,
} from '../must-show-support.ts';

const WAIT = 60_000;
const SECRET = 'orders-intake-callback';

describe('LogicAppWorkflow: callback URLs stay in their Secret (leak scan)', () => {
  let world: MustShowWorld;
  let running: InProcessOperator;
  let namespace = '';
  const log = captureDebugLog();
  const logLines = log.lines;
  const core = adminKubeConfig().makeApiClient(CoreV1Api);
  const events = adminKubeConfig().makeApiClient(EventsV1Api);

  beforeAll(async () => {
    world = await startMustShowWorld({ prefixes: ['law-callback-leaks'] });
    namespace = world.namespaces[0] ?? '';
    running = await startInProcessOperator(world.emulator, world.namespaces, {
      instance: namespace,
      flags: ['--resync-period', '3s'],
      logger: log.logger,
    });
  }, 120_000);
  afterAll(async () => {
    await running?.stop();
    await world?.stop();
  });

  const urlInSecret = async () => {
    const secret = await core.readNamespacedSecret({ name: SECRET, namespace }).catch(() => undefined);
    const data = secret?.data?.url;
    return data === undefined ? undefined : Buffer.from(data, 'base64').toString();
  };
  const sigOf = (url: string) => new URL(url).searchParams.get('sig') ?? '';

  it('a URL and its rotated successor are in the Secret and in no log line, Event, status or metric', async () => {
    await createWorkflow(world, namespace, 'orders-intake', {
      identity: { type: 'None' },
      definition: {
        ...DEFINITION,
        triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
      },
      callbackUrl: { secretName: SECRET, secretKey: 'url' },
    });
    const first = await eventually(async () => {
      expect(condition(await readWorkflow(world, namespace, 'orders-intake'), 'Ready')).toMatchObject({
        status: 'True',
      });
      const url = await urlInSecret();
      expect(url).toBeDefined();
      return url!;
    }, WAIT);

    await world.kube.patch(
      LOGIC_APP_WORKFLOW_RESOURCE,
      { namespace, name: 'orders-intake' },
      PatchStrategy.MergePatch,
      { metadata: { annotations: { [ROTATE_ACCESS_KEY_ANNOTATION]: 'leak-scan-1' } } },
    );
    await eventually(async () => {
      const workflow = await readWorkflow(world, namespace, 'orders-intake');
      expect(workflow?.status?.callbackUrl?.lastHandledRotateRequest).toBe('leak-scan-1');
    }, WAIT);
    const second = await urlInSecret();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    // Two more passes (resyncs list the URL again), so every line a pass in sync writes is in the log too.
    const listings = () =>
      world.emulator.counters().byOperation['Microsoft.Logic/workflows/triggers/listCallbackUrl/action']
        ?.count ?? 0;
    const listed = listings();
    await eventually(() => expect(listings()).toBeGreaterThanOrEqual(listed + 2), WAIT);

    const needles: Needle[] = [
      { label: 'callback URL', value: first },
      { label: 'callback URL signature', value: sigOf(first) },
      { label: 'rotated callback URL', value: second! },
      { label: 'rotated callback URL signature', value: sigOf(second!) },
    ];
    const { items: eventList } = await events.listNamespacedEvent({ namespace });
    const workflow = await readWorkflow(world, namespace, 'orders-intake');
    const metrics = await running.operator.metrics.render();
    const haystacks = [
      ...logHaystacks('operator log', logLines.join('\n')),
      eventHaystack(`events ${namespace}`, eventList),
      statusHaystack(`status ${namespace}`, workflow ? [workflow] : []),
      metricsHaystack('metrics', metrics.body),
    ];
    expect(logLines.length).toBeGreaterThan(0);
    expect(eventList.map((e) => e.reason)).toContain('AccessKeyRotated');
    expect(scanForLeaks(needles, haystacks)).toEqual([]);

    // The scanner finds the current URL where it must be: the Secret (base64 in its data).
    const secret = await core.readNamespacedSecret({ name: SECRET, namespace });
    const found = scanForLeaks(needles.slice(2), [{ source: 'the Secret', text: JSON.stringify(secret) }]);
    expect(found.map((leak) => leak.needle).sort()).toEqual([
      'rotated callback URL',
      'rotated callback URL signature',
    ]);
  });
});
