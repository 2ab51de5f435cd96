// spec.parametersFrom, the pure part: which sources a definition refuses, and what a Secret
// key's text becomes. No message may carry the value.
import { describe, expect, it } from 'vitest';
import {
  declaredType,
  parameterSourceProblem,
  secretParameterValue,
} from '../../../../src/controllers/logic-app-workflow/parameter-sources.ts';
import type { LogicAppWorkflowSpec } from '../../../../src/crds/index.ts';

const DEFINITION = {
  parameters: {
    apiKey: { type: 'SecureString' },
    settings: { type: 'secureobject' },
    endpoint: { type: 'String' },
    untyped: {},
  },
};
const ref = (name = 'partner-api', key = 'apiKey') => ({ secretKeyRef: { name, key } });

function spec(overrides: Partial<LogicAppWorkflowSpec>): LogicAppWorkflowSpec {
  return {
    subscriptionId: '00000000-0000-4000-8000-000000000001',
    resourceGroup: 'rg',
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    state: 'Enabled',
    deletionPolicy: 'Delete',
    secureRunHistory: true,
    definition: DEFINITION,
    ...overrides,
  };
}

describe('parameterSourceProblem', () => {
  it('accepts sources for securestring and secureobject parameters, in any casing', () => {
    expect(
      parameterSourceProblem(spec({ parametersFrom: { apiKey: ref(), settings: ref() } }), DEFINITION),
    ).toBeUndefined();
    expect(parameterSourceProblem(spec({}), DEFINITION)).toBeUndefined();
  });

  it.each([
    [
      'a parameter the definition does not declare',
      { parametersFrom: { partnerKey: ref() } },
      "spec.parametersFrom names parameter 'partnerKey', which the definition does not declare: declare it in the definition's parameters with type securestring or secureobject, or remove it from spec.parametersFrom.",
    ],
    [
      'a parameter declared String',
      { parametersFrom: { endpoint: ref() } },
      "spec.parametersFrom gives parameter 'endpoint' the value of Secret 'partner-api', but the definition declares it 'String': a Secret's value goes only into a securestring or secureobject parameter, which Azure never returns. Declare 'endpoint' securestring (or secureobject for a JSON object), or set a value that is not secret in spec.parameters.",
    ],
    [
      'a parameter declared without a type',
      { parametersFrom: { untyped: ref() } },
      "but the definition declares it without a type: a Secret's value goes only into a securestring or secureobject parameter",
    ],
    [
      'a parameter also set in spec.parameters',
      { parameters: { apiKey: 'typed-in' }, parametersFrom: { apiKey: ref() } },
      "Parameter 'apiKey' is set in both spec.parameters and spec.parametersFrom: remove it from one of them.",
    ],
    [
      'a parameter set to null in spec.parameters (still set)',
      { parameters: { apiKey: null }, parametersFrom: { apiKey: ref() } },
      "Parameter 'apiKey' is set in both spec.parameters and spec.parametersFrom",
    ],
  ])('refuses %s, naming it and what to change', (_, overrides, message) => {
    expect(parameterSourceProblem(spec(overrides), DEFINITION)).toContain(message);
  });

  it('refuses every source when the definition declares no parameters at all', () => {
    expect(parameterSourceProblem(spec({ parametersFrom: { apiKey: ref() } }), {})).toContain(
      "names parameter 'apiKey', which the definition does not declare",
    );
  });

  it('names the first refused source by name order', () => {
    const problem = parameterSourceProblem(
      spec({ parametersFrom: { zeta: ref(), endpoint: ref(), apiKey: ref() } }),
      DEFINITION,
    );
    expect(problem).toContain("'endpoint'");
  });
});

describe('secretParameterValue', () => {
  const where = { namespace: 'team-a', name: 'partner-api', key: 'settings' };

  it('a securestring takes the text as is, a trailing newline included', () => {
    expect(secretParameterValue('apiKey', 'securestring', 's3cr3t-value\n', where)).toEqual({
      kind: 'value',
      value: 's3cr3t-value\n',
    });
    // Text that happens to be JSON stays text.
    expect(secretParameterValue('apiKey', 'securestring', '{"a":1}', where)).toEqual({
      kind: 'value',
      value: '{"a":1}',
    });
  });

  it('a secureobject takes a JSON object', () => {
    expect(
      secretParameterValue('settings', 'secureobject', '{"account":"acme","token":"t-1"}', where),
    ).toEqual({ kind: 'value', value: { account: 'acme', token: 't-1' } });
  });

  it.each([
    ['text that is not JSON', 'not-json-hunter2-value', 'is not valid JSON'],
    ['a JSON array', '["hunter2-value"]', 'holds JSON that is not an object'],
    ['a JSON string', '"hunter2-value"', 'holds JSON that is not an object'],
    ['JSON null', 'null', 'holds JSON that is not an object'],
  ])('refuses %s for a secureobject, naming Secret, key and parameter, never the value', (_, text, what) => {
    const result = secretParameterValue('settings', 'secureobject', text, where);
    expect(result.kind).toBe('unusable');
    const message = result.kind === 'unusable' ? result.message : '';
    expect(message).toContain(`Secret team-a/partner-api key 'settings' (parameter 'settings') ${what}`);
    expect(message).toContain('Fix the value in the Secret.');
    expect(message).not.toContain('hunter2');
  });

  it('refuses values over the limits of spec.parameters, measured before parsing', () => {
    const long = 'x'.repeat(64 * 1024);
    const result = secretParameterValue('apiKey', 'securestring', long, where);
    expect(result).toMatchObject({
      kind: 'unusable',
      message: expect.stringContaining('(the limit is 65,536)'),
    });
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    expect(secretParameterValue('settings', 'secureobject', `{"a":${deep}}`, where)).toMatchObject({
      kind: 'unusable',
      message: expect.stringContaining('levels deep (the limit is 64)'),
    });
  });
});

describe('declaredType', () => {
  it('lower-cases the declared type; empty for an undeclared or untyped parameter', () => {
    expect(declaredType(DEFINITION, 'apiKey')).toBe('securestring');
    expect(declaredType(DEFINITION, 'untyped')).toBe('');
    expect(declaredType(DEFINITION, 'missing')).toBe('');
  });
});
