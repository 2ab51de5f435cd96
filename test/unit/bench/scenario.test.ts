import { validateWorkflow } from '@logicops/azure-emulator';
import { describe, expect, it } from 'vitest';
import { minimumWrites } from '../../../bench/lower-bound.ts';
import { buildScenario, type Manifest, maxSizeSpec, vaultName } from '../../../bench/scenario.ts';
import {
  DEFINITION_LIMITS,
  heldBackOf,
  leanWorkflow,
  PARAMETERS_LIMITS,
} from '../../../src/controllers/logic-app-workflow/spec-limits.ts';
import { measureJson } from '../../../src/controllers/shared/json-size.ts';
import type { LogicAppWorkflow } from '../../../src/crds/index.ts';

const SUBSCRIPTION = '5ab1e0c5-1d2e-4f3a-8b4c-10c1c0a5d3e1';

describe('buildScenario', () => {
  const scenario = buildScenario(
    { workflows: 5, vaults: 2, bindingsPerWorkflow: 2, model: 'access-policy' },
    SUBSCRIPTION,
    'bench-ns',
  );

  it('seeds the demo world plus the bench vaults, each holding every bound secret', () => {
    const names = scenario.seed.vaults?.map((v) => v.name) ?? [];
    expect(names).toContain('logicops-demo-kv');
    expect(names).toContain(vaultName(0));
    expect(names).toContain(vaultName(1));
    const bench = scenario.seed.vaults?.find((v) => v.name === vaultName(1));
    expect(bench?.enableRbacAuthorization).toBe(false);
    expect(bench?.secrets?.map((s) => s.name)).toEqual(['bench-secret-0', 'bench-secret-1']);
  });

  it('spreads B bindings per workflow round-robin over the vaults', () => {
    expect(scenario.workflows).toHaveLength(5);
    expect(scenario.bindings).toHaveLength(10);
    expect(scenario.bindingVaults.filter((v) => v === vaultName(0))).toHaveLength(5);
    const ofFirst = scenario.bindings.filter(
      (b) => (b.spec.workflowRef as { name: string }).name === 'bench-wf-0',
    );
    expect(ofFirst.map((b) => b.spec.vaultId)).toEqual([
      expect.stringMatching(/vaults\/bench-kv-0000$/),
      expect.stringMatching(/vaults\/bench-kv-0001$/),
    ]);
    expect(
      minimumWrites({ model: 'access-policy', workflows: 5, bindingVaults: scenario.bindingVaults }),
    ).toBe(7);
  });

  it("declares every binding's parameter in the workflow definition", () => {
    const definition = scenario.workflows[0]?.spec.definition as { parameters: Record<string, unknown> };
    for (const binding of scenario.bindings.slice(0, 2)) {
      expect(Object.keys(definition.parameters)).toContain(binding.spec.parameterName);
    }
    expect(scenario.bindings[0]?.spec.accessModel).toBe('AccessPolicy');
  });

  it('gives every workflow secure parameters, declared, valued and used (issue 21)', () => {
    const [first] = scenario.workflows;
    if (!first) throw new Error('no workflow');
    const { definition, parameters } = first.spec as {
      definition: { parameters: Record<string, { type: string }>; actions: Record<string, unknown> };
      parameters: Record<string, unknown>;
    };
    expect(definition.parameters.partnerClientId?.type).toBe('SecureString');
    expect(definition.parameters.partnerSettings?.type).toBe('SecureObject');
    expect(parameters.partnerClientId).toEqual(expect.any(String));
    expect(parameters.partnerSettings).toEqual(expect.any(Object));
    expect(parameters.partnerEndpoint).toEqual(expect.any(String));
    const text = JSON.stringify(definition.actions);
    expect(text).toContain("@parameters('partnerClientId')");
    expect(text).toContain("@parameters('partnerSettings')");
  });

  it('uses RBAC vaults and forced RBAC bindings in RBAC mode', () => {
    const rbac = buildScenario(
      { workflows: 1, vaults: 1, bindingsPerWorkflow: 1, model: 'rbac' },
      SUBSCRIPTION,
      'ns',
    );
    expect(rbac.seed.vaults?.find((v) => v.name === vaultName(0))?.enableRbacAuthorization).toBe(true);
    expect(rbac.bindings[0]?.spec.accessModel).toBe('RBAC');
  });

  it('grows definition and parameters to exactly the size limits with --definition-size max, and no further', () => {
    const max = buildScenario(
      { workflows: 2, vaults: 1, bindingsPerWorkflow: 2, model: 'access-policy', definitionSize: 'max' },
      SUBSCRIPTION,
      'ns',
    );
    const [first, second] = max.workflows as [Manifest, Manifest];
    const size = (value: unknown) => {
      const { bytes, values } = measureJson(value);
      return { bytes, values };
    };
    expect(size(first.spec.definition)).toEqual({
      bytes: DEFINITION_LIMITS.bytes,
      values: DEFINITION_LIMITS.values,
    });
    expect(size(first.spec.parameters)).toEqual({
      bytes: PARAMETERS_LIMITS.bytes,
      values: PARAMETERS_LIMITS.values,
    });
    // At the limits, not over: the operator's cache keeps them.
    expect(heldBackOf(leanWorkflow(first as unknown as LogicAppWorkflow))).toBeUndefined();
    // Every workflow's text differs (no shared strings flatter the memory figure).
    expect(JSON.stringify(first.spec)).not.toEqual(JSON.stringify(second.spec));
    // Azure (the emulator's checks) accepts the definition with its parameters and the binding's.
    const parameters = Object.fromEntries(
      Object.entries({ ...(first.spec.parameters as object), partnerApiKeyUri: 'u', secretUri1: 'u' }).map(
        ([name, value]) => [name, { value }],
      ),
    );
    expect(() => validateWorkflow(first.spec.definition, parameters)).not.toThrow();
  });

  it('builds one maximum-size spec per seed', () => {
    expect(maxSizeSpec(1, 3)).toEqual(maxSizeSpec(1, 3));
  });
});
