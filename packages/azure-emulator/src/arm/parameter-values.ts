// Logic Apps refuses a workflow whose definition declares a parameter without a `defaultValue`
// while `properties.parameters` gives it no value: 400 InvalidTemplate, "The template validation
// failed: 'The value for the workflow parameter '<name>' at line '1' and column '<n>' is not
// provided.'." (Azure/LogicAppsUX #4404: a SecureString parameter saved again without its value,
// which the designer had not been handed back). An entry without a `value` counts as no value.
import { ArmError } from '../errors.ts';
import { isObject } from './common.ts';

/** Throws Azure's 400 for the first declared parameter with neither a default nor a value. */
export function requireParameterValues(definition: unknown, provided: unknown): void {
  const declared = isObject(definition) && isObject(definition.parameters) ? definition.parameters : {};
  const values = isObject(provided) ? provided : {};
  for (const [name, declaration] of Object.entries(declared)) {
    if (!isObject(declaration) || 'defaultValue' in declaration) continue;
    const entry = values[name];
    if (isObject(entry) && entry.value !== undefined) continue;
    throw new ArmError(
      400,
      'InvalidTemplate',
      `The template validation failed: 'The value for the workflow parameter '${name}' at line '1' and column '1' is not provided.'.`,
    );
  }
}
