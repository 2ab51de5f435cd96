// Which declared parameters Azure would refuse for want of a value (issue 21, item 3; the 400 is
// Azure/LogicAppsUX #4404, modelled in packages/azure-emulator/src/arm/parameter-values.ts).
import { describe, expect, it } from 'vitest';
import { parametersWithoutValue } from '../../../../src/controllers/logic-app-workflow/parameter-values.ts';

const DEFINITION = {
  parameters: {
    secretUri: { type: 'String' },
    endpoint: { type: 'String' },
    greeting: { type: 'String', defaultValue: 'hello' },
    nothing: { type: 'String', defaultValue: null },
    apiKey: { type: 'SecureString' },
  },
};

describe('parametersWithoutValue', () => {
  it.each([
    ['no values at all', {}, ['secretUri', 'endpoint', 'apiKey']],
    ['spec values and a secret URI', { endpoint: 'https://e', apiKey: 'k', secretUri: 'https://kv/s' }, []],
    ['a null value is a value', { endpoint: null, apiKey: 'k', secretUri: 'https://kv/s' }, []],
    ['one still missing', { endpoint: 'https://e', apiKey: 'k' }, ['secretUri']],
  ])('%s', (_case, values, missing) => {
    expect(parametersWithoutValue(DEFINITION, values)).toEqual(missing);
  });

  it('declarations with a default (even null) need no value; a definition without parameters needs none', () => {
    expect(parametersWithoutValue(DEFINITION, { secretUri: 'x', endpoint: 'y', apiKey: 'z' })).toEqual([]);
    expect(parametersWithoutValue({}, {})).toEqual([]);
    expect(parametersWithoutValue({ parameters: 'not an object' }, {})).toEqual([]);
  });
});
