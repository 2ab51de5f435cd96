// Issue 21: what a binding's status says stays true.
// - With the default principal propagation hold (60 s) a binding is not Ready before its
//   workflow's principal is that old, says how long is left, and turns Ready after.
// - `permissions: [get, list]` on an RBAC vault is refused with InvalidSpec instead of a grant that
//   cannot list. Listing applies to the entire vault (Key Vault REST, "Get Secrets": "applicable
//   to the entire vault … requires the secrets/list permission"); logicops assigns Key Vault
//   Secrets User on the one secret.
// - Key Vault returns access-policy permissions in its own spelling (`Get`, `List`;
//   azure-rest-api-specs#34772), and `remove` matches that spelling exactly
//   (azure-rest-api-specs#42963): the operator stays in sync without rewriting, and its revoke
//   leaves nothing behind. The emulator models both (packages/azure-emulator/test/permission-casing.test.ts).
// Azure-side claims are judged from the emulator's state and counters.

import { DEMO_ACCESS_POLICY_VAULT, DEMO_RBAC_VAULT, DEMO_RESOURCE_GROUP } from '@logicops/azure-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS } from '../../../../src/config.ts';
import { VAULT_SECRET_BINDING_RESOURCE } from '../../../../src/controllers/resource-kinds.ts';
import type { LogicAppWorkflow } from '../../../../src/crds/index.ts';
import { PatchStrategy } from '../../../../src/runtime/kube-client.ts';
import { eventually } from '../../../support/eventually.ts';
import {
  armWrites,
  condition,
  createBinding,
  createWorkflow,
  deleteObject,
  type MustShowEnv,
  readBinding,
  readWorkflow,
  startMustShowEnv,
} from '../must-show-support.ts';

const vaultIdOf = (env: MustShowEnv, vault: string) =>
  `${env.subscriptionRoot}/resourceGroups/${DEMO_RESOURCE_GROUP}/providers/Microsoft.KeyVault/vaults/${vault}`;

async function principalOf(env: MustShowEnv, ns: string, name: string) {
  return eventually(async () => {
    const identity = ((await readWorkflow(env, ns, name)) as LogicAppWorkflow).status?.identity;
    expect(identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(identity?.principalObservedAt).toBeDefined();
    return {
      principalId: identity?.principalId ?? '',
      observedAt: Date.parse(identity?.principalObservedAt ?? ''),
    };
  }, 60_000);
}

describe('the default principal propagation hold', () => {
  const DEFAULT_HOLD = OPTIONS['principal-propagation-hold'].default;
  let env: MustShowEnv;
  let ns = '';
  beforeAll(async () => {
    // The test harness turns the hold off; this file puts the operator's default back.
    env = await startMustShowEnv({
      prefixes: ['truth-hold'],
      flags: ['--principal-propagation-hold', DEFAULT_HOLD],
    });
    ns = env.namespaces[0] ?? '';
  });
  afterAll(async () => {
    await env?.stop();
  });

  it(`is ${DEFAULT_HOLD}: Ready=False WaitingForPrincipal with the time left, then Ready once the principal is that old`, async () => {
    expect(DEFAULT_HOLD).toBe('60s');
    await createWorkflow(env, ns, 'held');
    await createBinding(env, ns, 'held-key', {
      workflowRef: { name: 'held' },
      vaultId: vaultIdOf(env, DEMO_ACCESS_POLICY_VAULT),
    });
    const { principalId, observedAt } = await principalOf(env, ns, 'held');

    // The grant is written at once; Ready waits.
    const waiting = await eventually(async () => {
      const binding = await readBinding(env, ns, 'held-key');
      expect(binding?.status?.grant?.phase).toBe('Granted');
      const ready = condition(binding, 'Ready');
      expect(ready).toMatchObject({ status: 'False', reason: 'WaitingForPrincipal' });
      return ready?.message ?? '';
    }, 30_000);
    expect(waiting).toContain(principalId);
    const left = Number(/Ready in (\d+) s$/.exec(waiting)?.[1]);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(60);

    const ready = await eventually(
      async () => {
        const condition_ = condition(await readBinding(env, ns, 'held-key'), 'Ready') as
          | { status: string; lastTransitionTime?: string }
          | undefined;
        expect(condition_?.status).toBe('True');
        return condition_;
      },
      90_000,
      250,
    );
    // Ready came no earlier than the hold after the principal was first recorded (condition times
    // have a resolution of one second).
    expect(Date.parse(ready?.lastTransitionTime ?? '') - observedAt).toBeGreaterThanOrEqual(59_000);
  }, 120_000);
});

describe('a binding on an RBAC vault, and Key Vault’s permission spelling', () => {
  let env: MustShowEnv;
  let ns = '';
  beforeAll(async () => {
    env = await startMustShowEnv({ prefixes: ['truth-vsb'], flags: ['--resync-period', '2s'] });
    ns = env.namespaces[0] ?? '';
    await createWorkflow(env, ns, 'reader');
    await principalOf(env, ns, 'reader');
  });
  afterAll(async () => {
    await env?.stop();
  });

  const assignmentsOf = (principalId: string) =>
    Object.values(env.emulator.state.roleAssignments).filter(
      (a) => a.principalId.toLowerCase() === principalId.toLowerCase(),
    );
  const entryOf = (vault: string, principalId: string) =>
    Object.values(env.emulator.state.vaults)
      .find((v) => v.name === vault)
      ?.accessPolicies.find((e) => e.objectId.toLowerCase() === principalId.toLowerCase());

  it('refuses list on an RBAC vault with InvalidSpec and grants nothing; without list it grants', async () => {
    const { principalId } = await principalOf(env, ns, 'reader');
    await createBinding(env, ns, 'lister', {
      workflowRef: { name: 'reader' },
      vaultId: vaultIdOf(env, DEMO_RBAC_VAULT),
      permissions: ['get', 'list'],
    });
    const stalled = await eventually(async () => {
      const found = condition(await readBinding(env, ns, 'lister'), 'Stalled');
      expect(found).toMatchObject({ status: 'True', reason: 'InvalidSpec' });
      return found;
    }, 30_000);
    expect(stalled?.message).toContain('Remove list from spec.permissions');
    expect(assignmentsOf(principalId)).toEqual([]);

    await env.kube.patch(
      VAULT_SECRET_BINDING_RESOURCE,
      { namespace: ns, name: 'lister' },
      PatchStrategy.MergePatch,
      { spec: { permissions: ['get'] } },
    );
    await eventually(async () => {
      expect(condition(await readBinding(env, ns, 'lister'), 'Ready')).toMatchObject({ status: 'True' });
    }, 30_000);
    expect(assignmentsOf(principalId)).toHaveLength(1);
  });

  it('stays in sync with permissions Key Vault spells Get and List, and revokes them all', async () => {
    const { principalId } = await principalOf(env, ns, 'reader');
    await createBinding(env, ns, 'policy', {
      workflowRef: { name: 'reader' },
      vaultId: vaultIdOf(env, DEMO_ACCESS_POLICY_VAULT),
      permissions: ['get', 'list'],
    });
    await eventually(async () => {
      expect(condition(await readBinding(env, ns, 'policy'), 'Ready')).toMatchObject({ status: 'True' });
    }, 30_000);
    // Asked for as get and list, stored and returned as Azure spells them.
    expect(entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)?.permissions.secrets?.sort()).toEqual([
      'Get',
      'List',
    ]);
    expect((await readBinding(env, ns, 'policy'))?.status?.grant?.permissionsAdded).toEqual(['get', 'list']);

    // Two resyncs: the other casing is not a difference, so nothing is written again.
    const writes = armWrites(env.emulator);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(armWrites(env.emulator)).toBe(writes);

    await deleteObject(env, VAULT_SECRET_BINDING_RESOURCE, ns, 'policy');
    await eventually(async () => {
      expect(await readBinding(env, ns, 'policy')).toBeUndefined();
    }, 30_000);
    // The remove named the permissions as stored: a lower-case one would have left them in place.
    expect(entryOf(DEMO_ACCESS_POLICY_VAULT, principalId)).toBeUndefined();
  });
});
