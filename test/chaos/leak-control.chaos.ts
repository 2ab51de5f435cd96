// Issue 20, item 9: the leak scan's negative control. Every other suite ends with "no leak"; that
// zero means something only if each collector really reads the content it claims to. So this run
// plants a distinct canary at the origin of each haystack — where the real content comes from,
// not into a copy of what was collected — runs the same collectors and scanner as every suite
// (security/collect.ts), and requires each canary to be reported in its own haystack:
//
//   log (debug)   the workflow's name: the operator logs "Reconciled object" with it at debug level,
//                 through its own logger, into the file the scan reads;
//   Events        an events.k8s.io/v1 Event created in the namespace with the canary as its note;
//   status        the reconcile-request annotation, which the operator echoes into
//                 status.lastHandledReconcileRequest through the status subresource;
//   records       a binding's name, which the operator writes into its grant record (a ConfigMap
//                 in the operator's namespace);
//   metrics       the lease name, a label of leader_election_master_status on the real /metrics;
//   Azure bodies  a workflow parameter value, sent in the workflow PUT the emulator received.
//
// A collector that reads the wrong file, the wrong namespace, an empty scrape or no bodies loses
// its canary (or is refused outright), and this suite fails. The real secrets, client secrets and
// tokens must still be found nowhere.
import { randomBytes } from 'node:crypto';
import { EventsV1Api, V1MicroTime } from '@kubernetes/client-node';
import { DEMO_SUBSCRIPTION_ID } from '@logicops/azure-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { RECONCILE_REQUEST_ANNOTATION } from '../../src/vocabulary.ts';
import { type Material, scanMaterial } from './security/collect.ts';
import type { Needle } from './security/leak-scanner.ts';
import { printFigures } from './support/figures.ts';
import {
  createAll,
  createNamespace,
  isReady,
  type KubeObject,
  listObjects,
  readyReason,
  suiteKubeConfig,
} from './support/kube.ts';
import { type ChaosSuite, startChaosSuite } from './support/suite.ts';
import { CHAOS_RESOURCE_GROUP, type Manifest } from './support/world.ts';

const CLUSTER_ID = 'chaos-leak-control';

/** Lower-case hex, so the same value is a valid object, lease or parameter name. */
const canary = (haystack: string): Needle => ({
  label: `canary: ${haystack}`,
  value: `leak-canary-${randomBytes(12).toString('hex')}`,
});

describe('leak scan: a negative control per haystack', () => {
  let suite: ChaosSuite | undefined;

  afterAll(async () => {
    await suite?.close();
  });

  it('finds a value planted at the origin of each haystack, and no real secret or token', async () => {
    const started = Date.now();
    suite = await startChaosSuite({
      clusterId: CLUSTER_ID,
      namespacePrefix: 'chaos-leak-control',
      workflows: 1,
    });
    const { world, azure, emulator, namespace, logFile } = suite;
    const canaries = {
      log: canary('debug log'),
      events: canary('Events'),
      status: canary('status'),
      records: canary('operator records'),
      metrics: canary('metrics'),
      azure: canary('Azure request bodies'),
    };

    const [template] = world.workflows;
    const [accessPolicyBinding] = world.bindings;
    if (!template || !accessPolicyBinding) throw new Error('world without a workflow and its binding');
    const name = canaries.log.value;
    const workflow = {
      ...template,
      metadata: {
        name,
        namespace,
        annotations: { [RECONCILE_REQUEST_ANNOTATION]: canaries.status.value },
      },
      spec: {
        ...template.spec,
        parameters: { partnerEndpoint: `https://api.partner.example/${canaries.azure.value}` },
      },
    } satisfies Manifest & { metadata: { annotations: Record<string, string> } };
    const rg = `/subscriptions/${DEMO_SUBSCRIPTION_ID}/resourceGroups/${CHAOS_RESOURCE_GROUP}`;
    const bindings: Manifest[] = [
      // world.bindings[0] grants on an access-policy vault; a second one on an RBAC vault, so the
      // capture holds an access-policy payload and a role-assignment body as well.
      {
        ...accessPolicyBinding,
        metadata: { name: canaries.records.value, namespace },
        spec: { ...accessPolicyBinding.spec, workflowRef: { name } },
      },
      {
        apiVersion: accessPolicyBinding.apiVersion,
        kind: 'VaultSecretBinding',
        metadata: { name: 'rbac-key', namespace },
        spec: {
          workflowRef: { name },
          vaultId: `${rg}/providers/Microsoft.KeyVault/vaults/chaos-rbac-0`,
          secretName: 's1',
        },
      },
    ];

    const operator = await suite.startOperator([
      '--leader-elect',
      '--leader-election-namespace',
      namespace,
      '--lease-name',
      canaries.metrics.value,
    ]);
    await createAll([workflow, ...bindings]);
    await suiteKubeConfig()
      .makeApiClient(EventsV1Api)
      .createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: `leak-control.${randomBytes(4).toString('hex')}`, namespace },
          eventTime: new V1MicroTime(Date.now()),
          reportingController: 'logicops.io/leak-control',
          reportingInstance: 'leak-control',
          type: 'Normal',
          reason: 'LeakControl',
          action: 'Plant',
          note: `planted by the leak control: ${canaries.events.value}`,
          regarding: { apiVersion: workflow.apiVersion, kind: workflow.kind, name, namespace },
        },
      });

    let objects = await settled(namespace, name, canaries.status.value);
    const deadline = Date.now() + 120_000;
    while (!objects.done && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      objects = await settled(namespace, name, canaries.status.value);
    }
    expect(objects.states).toEqual({
      [name]: 'ready, reconcile request echoed',
      [canaries.records.value]: 'ready',
      'rbac-key': 'ready',
    });

    const metrics = await operator.scrapeMetrics();
    await operator.stop();
    const realNeedles = [...world.secretNeedles, ...azure.credentialNeedles()];
    const material: Material = {
      logFiles: [logFile],
      namespaces: [namespace],
      metrics: [metrics],
      emulators: [emulator],
    };
    const scan = await scanMaterial([...realNeedles, ...Object.values(canaries)], material);

    const sourcesOf = (needle: Needle) =>
      scan.leaks.filter((l) => l.needle === needle.label).map((l) => l.source);
    const scanned = scan.haystacks.map((h) => h.source);
    printFigures({
      suite: 'leak scan: negative control',
      scale: 'fixed',
      objects: 1 + bindings.length,
      needles: scan.needles,
      haystacks: scan.haystacks.length,
      bytesScanned: scan.haystackBytes,
      scanned,
      canaryFindings: Object.fromEntries(Object.values(canaries).map((c) => [c.label, sourcesOf(c)])),
      leaks: scan.leaks.filter((l) => !l.needle.startsWith('canary:')).length,
      durationMs: Date.now() - started,
    });

    // Each canary is reported in its own haystack. Three are data that go to one place only: the
    // Event's note, the echoed request, the parameter (a parameter in a log or an Event would be
    // news: teams put sensitive values there). The other two are names, and names travel: the
    // workflow's name is in its Events, in its bindings' status, in its Azure owner tag and in
    // info lines; the binding's likewise; the lease's in the info line announcing the lease. For
    // those, only their own haystack is required.
    const log = `log ${logFile.split('/').at(-2)}/operator.log`;
    expect(sourcesOf(canaries.log)).toContain(`${log} [debug]`);
    expect(sourcesOf(canaries.events)).toEqual([`events ${namespace}`]);
    expect(sourcesOf(canaries.status)).toEqual([`status ${namespace}`]);
    expect(sourcesOf(canaries.records)).toContain(`records ${namespace}`);
    expect(sourcesOf(canaries.metrics)).toContain('metrics #1');
    expect(sourcesOf(canaries.azure)).toEqual(['azure request bodies #1 (Microsoft.Logic/workflows/write)']);
    // The capture holds every kind of body the operator writes, not just workflows.
    expect(scanned).toEqual(
      expect.arrayContaining([
        'azure request bodies #1 (Microsoft.KeyVault/vaults/accessPolicies/write)',
        'azure request bodies #1 (Microsoft.Authorization/roleAssignments/write)',
      ]),
    );
    // The run's real secrets, client secrets and tokens: nowhere.
    expect(scan.leaks.filter((l) => !l.needle.startsWith('canary:'))).toEqual([]);

    // Pointed at the wrong place, the collectors refuse instead of reporting a clean zero.
    const elsewhere = await createNamespace('chaos-leak-elsewhere', {});
    await expect(scanMaterial(realNeedles, { ...material, namespaces: [elsewhere] })).rejects.toThrow(
      new RegExp(
        `events ${elsewhere}: no Events[\\s\\S]*status ${elsewhere}: no objects[\\s\\S]*records ${elsewhere}: no operator records`,
      ),
    );
    await expect(
      scanMaterial(realNeedles, { ...material, logFiles: [`${logFile}.missing`] }),
    ).rejects.toThrow(/ENOENT/);
    await expect(scanMaterial(realNeedles, { ...material, metrics: [''] })).rejects.toThrow(
      /metrics #1: not a Prometheus exposition/,
    );
  });
});

/** Every object's state; done when all three are Ready and the workflow echoed the request. */
async function settled(namespace: string, workflowName: string, reconcileRequest: string) {
  const objects = [
    ...(await listObjects(namespace, 'LogicAppWorkflow')),
    ...(await listObjects(namespace, 'VaultSecretBinding')),
  ];
  const stateOf = (o: KubeObject) => {
    if (!isReady(o)) return readyReason(o);
    if (o.metadata.name !== workflowName) return 'ready';
    return o.status?.lastHandledReconcileRequest === reconcileRequest
      ? 'ready, reconcile request echoed'
      : 'ready, reconcile request not echoed yet';
  };
  const states = Object.fromEntries(objects.map((o) => [o.metadata.name, stateOf(o)]));
  const done =
    objects.length === 3 &&
    Object.values(states).every((state) => state === 'ready' || state === 'ready, reconcile request echoed');
  return { states, done };
}
