// Each URL-bound field's named cases (azure-name-cases.ts, with the Microsoft source of every
// rule), checked three ways that must agree: the shared pattern in JavaScript, the rendered CRD
// schema (what admission enforces), and the controllers' own check that stops an object which
// slipped past admission before any Azure call.
import { describe, expect, it } from 'vitest';
import { connectionSpecProblem } from '../../../src/controllers/logic-app-connection/spec-problem.ts';
import {
  bindingSpecNameProblem,
  workflowSpecNameProblem,
} from '../../../src/controllers/shared/spec-names.ts';
import { matchesFormat } from '../../../src/crds/azure-formats.ts';
import {
  allCrds,
  type LogicAppConnection,
  type LogicAppWorkflow,
  type VaultSecretBinding,
} from '../../../src/crds/index.ts';
import { type FieldNameRules, GUID, nameRules } from './azure-name-cases.ts';
import { fieldSchema, schemaRefusal } from './support/crd-field.ts';

function workflowWith(field: string, value: string): LogicAppWorkflow {
  const workflow: LogicAppWorkflow = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppWorkflow',
    metadata: { name: 'orders', namespace: 'team-a' },
    spec: {
      subscriptionId: GUID,
      resourceGroup: 'rg-orders',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
      state: 'Enabled',
      definition: {},
      deletionPolicy: 'Delete',
      secureRunHistory: true,
    },
  };
  const spec = workflow.spec as unknown as Record<string, unknown>;
  if (field === 'spec.identity.userAssignedIdentityId') {
    workflow.spec.identity = { type: 'UserAssigned', userAssignedIdentityId: value };
  } else {
    spec[field.replace('spec.', '')] = value;
  }
  return workflow;
}

function bindingWith(field: string, value: string): VaultSecretBinding {
  const binding: VaultSecretBinding = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'VaultSecretBinding',
    metadata: { name: 'orders-key', namespace: 'team-a' },
    spec: {
      workflowRef: { name: 'orders' },
      vaultId: `/subscriptions/${GUID}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-orders`,
      secretName: 'api-key',
      permissions: ['get'],
      accessModel: 'Auto',
      deletionPolicy: 'Delete',
    },
  };
  (binding.spec as unknown as Record<string, unknown>)[field.replace('spec.', '')] = value;
  return binding;
}

function connectionWith(field: string, value: string): LogicAppConnection {
  const connection: LogicAppConnection = {
    apiVersion: 'logicops.io/v1alpha1',
    kind: 'LogicAppConnection',
    metadata: { name: 'orders-bus', namespace: 'team-a' },
    spec: {
      subscriptionId: GUID,
      resourceGroup: 'rg-orders',
      location: 'westeurope',
      api: 'servicebus',
      parameters: { namespaceEndpoint: 'sb://orders.servicebus.windows.net/' },
      deletionPolicy: 'Delete',
    },
  };
  (connection.spec as unknown as Record<string, unknown>)[field.replace('spec.', '')] = value;
  return connection;
}

/** What the controllers say about the object with this field set to `value`. */
function controllerProblem(rules: FieldNameRules, value: string): string | undefined {
  if (rules.kind === 'LogicAppConnection') return connectionSpecProblem(connectionWith(rules.field, value));
  return rules.kind === 'LogicAppWorkflow'
    ? workflowSpecNameProblem(workflowWith(rules.field, value))
    : bindingSpecNameProblem(bindingWith(rules.field, value));
}

describe.each(nameRules.map((rules) => [`${rules.kind} ${rules.field}`, rules] as const))(
  '%s',
  (_, rules) => {
    const schema = fieldSchema(rules.kind, rules.field);

    it.each(rules.valid.map((c) => [c.name, c.value] as const))('accepts %s', (_name, value) => {
      expect(matchesFormat(rules.format, value)).toBe(true);
      expect(schemaRefusal(schema, value)).toBeUndefined();
      expect(controllerProblem(rules, value)).toBeUndefined();
    });

    it.each(rules.invalid.map((c) => [c.name, c.value] as const))('refuses %s', (_name, value) => {
      expect(matchesFormat(rules.format, value)).toBe(false);
      expect(schemaRefusal(schema, value)).toBeDefined();
      const problem = controllerProblem(rules, value);
      // Names the field, says what Azure allows, and says nothing is sent.
      expect(problem).toMatch(new RegExp(`^${rules.field.replaceAll('.', '\\.')}: `));
      expect(problem).toContain('not valid in Azure');
      expect(problem).toContain('logicops sends nothing to Azure');
    });
  },
);

describe('the effective workflow name', () => {
  it('is metadata.name when spec.azureName is unset, and the message says so', () => {
    const workflow = workflowWith('spec.location', 'westeurope');
    workflow.metadata.name = 'a'.repeat(44);
    expect(workflowSpecNameProblem(workflow)).toMatch(
      /^metadata\.name \(the Azure workflow name while spec\.azureName is unset\): workflow name "a{44}" is not valid in Azure: workflow names are 1-43/,
    );
    workflow.spec.azureName = 'orders';
    expect(workflowSpecNameProblem(workflow)).toBeUndefined();
  });

  it('admission bounds metadata.name by the same 43 when it stands in for azureName', () => {
    const root = allCrds().find((c) => c.spec.names.kind === 'LogicAppWorkflow')?.spec.versions[0]?.schema
      .openAPIV3Schema;
    const bound = (root?.['x-kubernetes-validations'] ?? [])
      .map(
        (r) => /^has\(self\.spec\.azureName\) \|\| size\(self\.metadata\.name\) <= (\d+)$/.exec(r.rule)?.[1],
      )
      .find((n) => n !== undefined);
    expect(Number(bound)).toBe(43);
  });
});

describe('a UserAssigned identity without an id', () => {
  it('is refused by the controllers before any call', () => {
    const workflow = workflowWith('spec.location', 'westeurope');
    workflow.spec.identity = { type: 'UserAssigned' };
    expect(workflowSpecNameProblem(workflow)).toMatch(/^spec\.identity\.userAssignedIdentityId: /);
  });
});
