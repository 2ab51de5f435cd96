// A definition does not come back from Azure byte for byte, and a strict diff would rewrite it
// at every resync, forever (issue 21, item 7). Both sides are brought to what they mean before
// they are compared — never before they are written: what is PUT is the spec's definition.
// * `evaluatedRecurrence`, which definitions exported from the portal carry on their triggers,
//   is not returned by the REST API (terraform-provider-azurerm #28344): left out on both sides.
// * Parameter types come back in the REST spec's casing (`String`, `SecureString`; ARM what-if
//   showed every Logic App parameter type as changed for that reason, Azure/arm-template-whatif
//   #55): compared without case.
// * The `defaultValue` of a secure parameter may be withheld (secure-values.ts): where Azure's
//   copy has none, ours is left out here and the secure-values digest covers it.
import { isSecureType } from './secure-values.ts';

type Definition = Readonly<Record<string, unknown>>;

export interface ComparableDefinitions {
  desired: Record<string, unknown>;
  observed: Record<string, unknown>;
  /** A secure default of ours that Azure's copy does not show (compared through the digest). */
  withheldDefaults: boolean;
}

export function comparableDefinitions(desired: Definition, observed: Definition): ComparableDefinitions {
  const observedDeclarations = recordOf(observed.parameters);
  let withheldDefaults = false;
  const desiredParameters = mapRecord(desired.parameters, (declaration, name) => {
    const shown = observedDeclarations[name];
    const withheld =
      isSecureType(declaration.type) &&
      'defaultValue' in declaration &&
      !(isRecord(shown) && 'defaultValue' in shown);
    if (!withheld) return comparableDeclaration(declaration);
    withheldDefaults = true;
    const { defaultValue: _comparedByDigest, ...rest } = declaration;
    return comparableDeclaration(rest);
  });
  return {
    desired: comparable(desired, desiredParameters),
    observed: comparable(observed, mapRecord(observed.parameters, comparableDeclaration)),
    withheldDefaults,
  };
}

function comparable(definition: Definition, parameters: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = { ...definition };
  if (parameters !== undefined) result.parameters = parameters;
  if (isRecord(definition.triggers)) {
    result.triggers = mapRecord(definition.triggers, (trigger) => {
      const { evaluatedRecurrence: _notReturned, ...rest } = trigger;
      return rest;
    });
  }
  return result;
}

function comparableDeclaration(declaration: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return typeof declaration.type === 'string'
    ? { ...declaration, type: declaration.type.toLowerCase() }
    : { ...declaration };
}

/** Maps the object entries of a record; anything else (not a record, non-object entries) passes as is. */
function mapRecord(
  value: unknown,
  map: (entry: Readonly<Record<string, unknown>>, key: string) => unknown,
): unknown {
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, isRecord(entry) ? map(entry, key) : entry]),
  );
}

function recordOf(value: unknown): Readonly<Record<string, unknown>> {
  return isRecord(value) ? value : {};
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
