// The basic checks Logic Apps makes when a workflow is saved, answered in Azure's shape:
// 400 InvalidTemplate "The template validation failed: '...'". Not a full WDL validator:
// structure, action types, runAfter references, declared vs. provided vs. used parameters, and
// secureData only where the trigger or action type supports it (secure-data.ts).
import { ArmError } from '../errors.ts';
import { isObject, type Json } from './common.ts';
import { secureDataProblem } from './secure-data.ts';

const PARAMETER_TYPES = new Set([
  'string',
  'securestring',
  'int',
  'float',
  'bool',
  'array',
  'object',
  'secureobject',
]);
const MAX_TRIGGERS = 10;

function invalid(reason: string): ArmError {
  return new ArmError(400, 'InvalidTemplate', `The template validation failed: '${reason}'.`);
}

export function validateWorkflow(definition: unknown, workflowParameters: unknown): void {
  if (!isObject(definition)) throw invalid("The workflow 'definition' must be a JSON object");
  // `$schema` is required "only when externally referencing a workflow definition" (Workflow
  // Definition Language schema reference, learn.microsoft.com/azure/logic-apps/logic-apps-workflow-definition-language):
  // an inline definition may leave it out. One that is given must name the WDL schema.
  const schema = definition.$schema;
  if (schema !== undefined && (typeof schema !== 'string' || !/workflowdefinition\.json#?$/i.test(schema))) {
    throw invalid("The template '$schema' is not a workflow definition schema");
  }
  for (const section of ['parameters', 'triggers', 'actions', 'outputs', 'staticResults'] as const) {
    if (definition[section] !== undefined && !isObject(definition[section])) {
      throw invalid(`The template section '${section}' must be a JSON object`);
    }
  }
  const declared = (definition.parameters ?? {}) as Json;
  for (const [name, declaration] of Object.entries(declared)) {
    const type = isObject(declaration) ? declaration.type : undefined;
    if (typeof type !== 'string' || !PARAMETER_TYPES.has(type.toLowerCase())) {
      throw invalid(`The template parameter '${name}' has an invalid or missing 'type'`);
    }
  }
  const triggers = (definition.triggers ?? {}) as Json;
  if (Object.keys(triggers).length > MAX_TRIGGERS) {
    throw invalid(`The template has more than ${MAX_TRIGGERS} triggers`);
  }
  for (const [name, trigger] of Object.entries(triggers)) {
    if (!isObject(trigger) || typeof trigger.type !== 'string') {
      throw invalid(`The template trigger '${name}' must be an object with a 'type'`);
    }
    const secureData = secureDataProblem('trigger', name, trigger);
    if (secureData) throw invalid(secureData);
  }
  validateActions((definition.actions ?? {}) as Json);
  validateWorkflowParameters(declared, workflowParameters);
  validateParameterReferences(declared, {
    triggers,
    actions: definition.actions,
    outputs: definition.outputs,
  });
}

/** Actions of one scope: each has a type, and runAfter names siblings only. Recurses into scopes. */
function validateActions(actions: Json): void {
  const names = new Set(Object.keys(actions));
  for (const [name, action] of Object.entries(actions)) {
    if (!isObject(action) || typeof action.type !== 'string') {
      throw invalid(`The template action '${name}' must be an object with a 'type'`);
    }
    if (action.runAfter !== undefined) {
      if (!isObject(action.runAfter))
        throw invalid(`The 'runAfter' property of template action '${name}' must be an object`);
      for (const predecessor of Object.keys(action.runAfter)) {
        if (!names.has(predecessor) || predecessor === name) {
          throw invalid(
            `The 'runAfter' property of template action '${name}' at line '1' and column '0' contains non-existent action: '${predecessor}'.`,
          );
        }
      }
    }
    const secureData = secureDataProblem('action', name, action);
    if (secureData) throw invalid(secureData);
    for (const nested of nestedScopes(action)) validateActions(nested);
  }
}

function nestedScopes(action: Json): Json[] {
  const scopes: Json[] = [];
  if (isObject(action.actions)) scopes.push(action.actions);
  if (isObject(action.else) && isObject(action.else.actions)) scopes.push(action.else.actions);
  if (isObject(action.default) && isObject(action.default.actions)) scopes.push(action.default.actions);
  if (isObject(action.cases)) {
    for (const branch of Object.values(action.cases)) {
      if (isObject(branch) && isObject(branch.actions)) scopes.push(branch.actions);
    }
  }
  return scopes;
}

/** `properties.parameters` may only give values for parameters the definition declares. */
function validateWorkflowParameters(declared: Json, provided: unknown): void {
  if (provided === undefined || provided === null) return;
  if (!isObject(provided)) throw invalid("The workflow 'parameters' must be a JSON object");
  const undeclared = Object.keys(provided).filter((name) => !(name in declared));
  if (undeclared.length > 0) {
    throw invalid(
      `The workflow parameters '${undeclared.join(', ')}' are not valid; they are not declared in the definition and therefore can't be provided as parameters`,
    );
  }
  for (const [name, value] of Object.entries(provided)) {
    if (!isObject(value)) throw invalid(`The workflow parameter '${name}' must be an object with a 'value'`);
  }
}

/** Expressions such as `@parameters('x')` must name a declared parameter. */
function validateParameterReferences(declared: Json, sections: Json): void {
  const text = JSON.stringify(sections);
  for (const match of text.matchAll(/parameters\(\s*'((?:[^'\\]|'')*)'\s*\)/g)) {
    const name = (match[1] ?? '').replace(/''/g, "'");
    if (!(name in declared)) throw invalid(`The workflow parameter '${name}' is not found`);
  }
}
