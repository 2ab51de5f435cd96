// What Logic Apps hands back of a stored workflow is not what was PUT (issue 21, items 1 and 7).
// Every read path — GET, the resource-group and subscription listings, and a PUT's own answer —
// goes through `propertiesAsReturned`; the state keeps what was sent, as Azure runs with it.
//
// * Secure parameters. The value of a parameter the definition declares `securestring` or
//   `secureobject` is not returned ("Parameters that have this type aren't returned with the
//   resource definition and aren't accessible when viewing the resource after deployment":
//   MicrosoftDocs/azure-docs, articles/logic-apps/logic-apps-securing-a-logic-app.md, "Secure
//   parameters in workflow definitions"). terraform-provider-azurerm (PR #12314,
//   internal/services/logic/logic_app_workflow_resource.go) keeps the entry and its type but reads
//   the value back from its own state: "This is not returned from API". A secure `defaultValue` in
//   the definition is withheld as well, as the project's wire notes take the docs' sentence
//   (shared/reference/azure-wire.md §10); third-party reports differ on that one
//   (packages/azure-emulator/README.md, "Round trips"), so the operator copes either way.
// * `evaluatedRecurrence`, which exported definitions carry on Recurrence and polling triggers, is
//   not returned by the REST API (terraform-provider-azurerm #28344: "The Rest API does not
//   return this so there is not a lot that Terraform could do to prevent the drift").
// * Definition parameter types come back in the casing of the REST spec's ParameterType enum
//   (String, SecureString, Int, Float, Bool, Array, Object, SecureObject) whatever casing was
//   sent: ARM what-if reported every Logic App definition parameter type as changed for that
//   reason (Azure/arm-template-whatif #55, labelled "property value casing").
import { isObject, type Json } from './common.ts';

const CANONICAL_TYPES: Readonly<Record<string, string>> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Int',
  float: 'Float',
  bool: 'Bool',
  array: 'Array',
  object: 'Object',
  secureobject: 'SecureObject',
};

export function isSecureParameterType(type: unknown): boolean {
  if (typeof type !== 'string') return false;
  const lower = type.toLowerCase();
  return lower === 'securestring' || lower === 'secureobject';
}

function canonicalType(type: unknown): unknown {
  return typeof type === 'string' ? (CANONICAL_TYPES[type.toLowerCase()] ?? type) : type;
}

/** The workflow `properties` as a read answers them. Copies only what it changes. */
export function propertiesAsReturned(properties: Json): Json {
  const definition = isObject(properties.definition) ? properties.definition : undefined;
  const declared = definition && isObject(definition.parameters) ? definition.parameters : {};
  const returned: Json = { ...properties };
  if (definition) returned.definition = definitionAsReturned(definition);
  if (isObject(properties.parameters))
    returned.parameters = parametersAsReturned(properties.parameters, declared);
  return returned;
}

function definitionAsReturned(definition: Json): Json {
  const returned: Json = { ...definition };
  if (isObject(definition.parameters)) {
    returned.parameters = mapValues(definition.parameters, (declaration) => {
      if (!isObject(declaration)) return declaration;
      const { defaultValue: _withheld, ...rest } = declaration;
      const shown: Json = isSecureParameterType(declaration.type) ? rest : { ...declaration };
      if (declaration.type !== undefined) shown.type = canonicalType(declaration.type);
      return shown;
    });
  }
  if (isObject(definition.triggers)) {
    returned.triggers = mapValues(definition.triggers, (trigger) => {
      if (!isObject(trigger) || !('evaluatedRecurrence' in trigger)) return trigger;
      const { evaluatedRecurrence: _notReturned, ...rest } = trigger;
      return rest;
    });
  }
  return returned;
}

function parametersAsReturned(parameters: Json, declared: Json): Json {
  return mapValues(parameters, (entry, name) => {
    const declaredType = isObject(declared[name]) ? declared[name].type : undefined;
    const entryType = isObject(entry) ? entry.type : undefined;
    if (!isObject(entry) || !(isSecureParameterType(declaredType) || isSecureParameterType(entryType))) {
      return entry;
    }
    const { value: _withheld, ...rest } = entry;
    return { ...rest, type: canonicalType(declaredType ?? entryType) };
  });
}

function mapValues(record: Json, map: (value: unknown, key: string) => unknown): Json {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
}
