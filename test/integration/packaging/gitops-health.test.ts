// Argo CD and Flux read the statuses logicops writes the way DESIGN.md promises:
//   Reconciling -> Progressing / InProgress, Stalled -> Degraded / Failed, Ready -> Healthy / Current.
// The statuses are written onto real objects through the API server by the runtime's own
// condition helpers and status patcher (what both controllers call), then read back and
// judged by the real Lua VM and the real kstatus library.
// TODO(controllers): once both controllers land, drive them instead (emulator scenarios)
// and judge the statuses they write.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOGIC_APP_WORKFLOW_RESOURCE,
  VAULT_SECRET_BINDING_RESOURCE,
} from '../../../src/controllers/resource-kinds.ts';
import { systemClock } from '../../../src/runtime/clock.ts';
import {
  type KstatusFields,
  markReady,
  markReconciling,
  markStalled,
} from '../../../src/runtime/conditions.ts';
import type { ResourceKind } from '../../../src/runtime/kube-client.ts';
import { KubeClient } from '../../../src/runtime/kube-client.ts';
import { StatusPatcher } from '../../../src/runtime/status-patcher.ts';
import { binding, workflow } from '../crds/support/fixtures.ts';
import { applyShippedCrds } from '../crds/support/install.ts';
import { adminKubeConfig, createTestNamespace, deleteTestNamespace } from '../support/cluster.ts';
import { verdictsFor } from './support/health-verdicts.ts';

interface Obj {
  metadata: { name: string; namespace: string; generation: number; resourceVersion: string };
  spec: Record<string, unknown>;
  status?: KstatusFields;
}

let namespace: string;
let kube: KubeClient;
let custom: CustomObjectsApi;

beforeAll(async () => {
  await applyShippedCrds();
  namespace = await createTestNamespace('gitops-health');
  kube = new KubeClient(adminKubeConfig());
  custom = adminKubeConfig().makeApiClient(CustomObjectsApi);
}, 600_000);

afterAll(async () => {
  if (namespace) await deleteTestNamespace(namespace);
});

const kinds: Array<{
  kind: ResourceKind;
  object: (name: string) => Record<string, unknown>;
  bump: (o: Obj) => void;
}> = [
  {
    kind: LOGIC_APP_WORKFLOW_RESOURCE,
    object: (name) => workflow(name),
    bump: (o) => {
      o.spec.state = o.spec.state === 'Disabled' ? 'Enabled' : 'Disabled';
    },
  },
  {
    kind: VAULT_SECRET_BINDING_RESOURCE,
    object: (name) => binding(name, 'orders'),
    bump: (o) => {
      o.spec.permissions = ['get', 'list'];
    },
  },
];

describe.each(kinds)('GitOps health of $kind.kind', ({ kind, object, bump }) => {
  const name = `health-${kind.plural.slice(0, 8)}`;
  const read = () => kube.get<Obj>(kind, namespace, name);
  const write = async (mutate: (status: KstatusFields, generation: number) => void) => {
    const current = await read();
    await new StatusPatcher(kube).patch<KstatusFields, Obj>(kind, current, (status) =>
      mutate(status, current.metadata.generation),
    );
    return read();
  };

  it('before any status: Argo CD waits (Progressing); kstatus reads Current (documented corner case)', async () => {
    await custom.createNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      namespace,
      plural: kind.plural,
      body: object(name),
    });
    const verdicts = await verdictsFor(await read());
    expect(verdicts.argo.status).toBe('Progressing');
    expect(verdicts.kstatus.status).toBe('Current');
  });

  it('Reconciling=True: Progressing / InProgress', async () => {
    const stored = await write((status, generation) =>
      markReconciling(
        status,
        { generation, reason: 'WaitingForPrincipal', message: 'replication lag' },
        systemClock,
      ),
    );
    const verdicts = await verdictsFor(stored);
    expect(verdicts.argo).toEqual({ status: 'Progressing', message: 'WaitingForPrincipal: replication lag' });
    expect(verdicts.kstatus.status).toBe('InProgress');
  });

  it('Stalled=True: Degraded / Failed', async () => {
    const stored = await write((status, generation) =>
      markStalled(
        status,
        { generation, reason: 'AuthorizationFailed', message: 'role missing' },
        systemClock,
      ),
    );
    const verdicts = await verdictsFor(stored);
    expect(verdicts.argo).toEqual({ status: 'Degraded', message: 'AuthorizationFailed: role missing' });
    expect(verdicts.kstatus.status).toBe('Failed');
  });

  it('Ready=True: Healthy / Current', async () => {
    const stored = await write((status, generation) => markReady(status, { generation }, systemClock));
    const verdicts = await verdictsFor(stored);
    expect(verdicts.argo.status).toBe('Healthy');
    expect(verdicts.kstatus.status).toBe('Current');
  });

  it('a new generation not yet observed: Progressing / InProgress', async () => {
    const current = await read();
    bump(current);
    await custom.replaceNamespacedCustomObject({
      group: kind.group,
      version: kind.version,
      namespace,
      plural: kind.plural,
      name,
      body: current,
    });
    const stored = await read();
    expect(stored.metadata.generation).toBeGreaterThan(stored.status?.observedGeneration ?? 0);
    const verdicts = await verdictsFor(stored);
    expect(verdicts.argo.status).toBe('Progressing');
    expect(verdicts.argo.message).toMatch(/observe generation/);
    expect(verdicts.kstatus.status).toBe('InProgress');
  });
});
