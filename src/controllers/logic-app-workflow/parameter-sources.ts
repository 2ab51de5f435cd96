// spec.parametersFrom: secure parameter values taken from Secret keys in the workflow's own
// namespace. Pure: what the spec may ask for, and what a Secret key's text becomes. The read
// itself is in parameter-secrets.ts, the step in steps/parameter-sources.ts.
//
// Only `securestring` and `secureobject` parameters may take a Secret's value: Azure never
// returns those (secure-values.ts), so the value stays out of every GET of the workflow, and
// logicops compares it through the salted digest of what it wrote. A Secret's value in a plain
// `string` parameter would be shown to anyone who can read the workflow in Azure.
//
// Nothing here ever puts a value into a message: messages name the parameter, the Secret and the
// key, and say what to change.
import type { LogicAppWorkflowSpec, SecretKeyRef, WorkflowDefinition } from '../../crds/index.ts';
import { measureJsonText } from '../shared/json-size.ts';
import { isSecureType } from './secure-values.ts';
import { overLimitMessage, PARAMETERS_LIMITS } from './spec-limits.ts';

/** The parameters spec.parametersFrom fills, in name order (one message per pass is enough, the first). */
export function parameterSourceNames(spec: Readonly<LogicAppWorkflowSpec>): string[] {
  return Object.keys(spec.parametersFrom ?? {}).sort();
}

/**
 * Why spec.parametersFrom cannot work with this definition, naming the parameter and what to
 * change; undefined when it can. Admission cannot check any of it: the definition may come from
 * a ConfigMap, and spec.parameters holds free JSON, whose names CEL cannot see.
 */
export function parameterSourceProblem(
  spec: Readonly<LogicAppWorkflowSpec>,
  definition: Readonly<WorkflowDefinition>,
): string | undefined {
  const declared = declaredParameters(definition);
  for (const name of parameterSourceNames(spec)) {
    const secret = spec.parametersFrom?.[name]?.secretKeyRef.name ?? '';
    if (spec.parameters && Object.hasOwn(spec.parameters, name)) {
      return `Parameter '${name}' is set in both spec.parameters and spec.parametersFrom: remove it from one of them.`;
    }
    if (!Object.hasOwn(declared, name)) {
      return `spec.parametersFrom names parameter '${name}', which the definition does not declare: declare it in the definition's parameters with type securestring or secureobject, or remove it from spec.parametersFrom.`;
    }
    const type = declared[name];
    if (!isSecureType(type)) {
      const shown = typeof type === 'string' ? `'${type}'` : 'without a type';
      return `spec.parametersFrom gives parameter '${name}' the value of Secret '${secret}', but the definition declares it ${shown}: a Secret's value goes only into a securestring or secureobject parameter, which Azure never returns. Declare '${name}' securestring (or secureobject for a JSON object), or set a value that is not secret in spec.parameters.`;
    }
  }
  return undefined;
}

/** The declared type of each parameter of the definition (undefined for one declared without a type). */
function declaredParameters(definition: Readonly<WorkflowDefinition>): Record<string, unknown> {
  const parameters = definition.parameters;
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) return {};
  const types: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(parameters)) {
    types[name] = (declaration as { type?: unknown } | null)?.type;
  }
  return types;
}

/** The declared type of `name`, lower-cased (Azure answers `SecureString`; the spec may say either). */
export function declaredType(definition: Readonly<WorkflowDefinition>, name: string): string {
  const type = declaredParameters(definition)[name];
  return typeof type === 'string' ? type.toLowerCase() : '';
}

export type SecretParameterValue = { kind: 'value'; value: unknown } | { kind: 'unusable'; message: string };

/**
 * What the text of a Secret key becomes as the value of a parameter of `type`: a securestring
 * takes it as is (a trailing newline included: logicops cannot tell one that belongs to the
 * secret from one an editor added); a secureobject takes it as a JSON object. Both within the
 * limits spec.parameters has, measured before anything is parsed.
 */
export function secretParameterValue(
  parameter: string,
  type: string,
  text: string,
  where: SecretKeyRef & { namespace: string },
): SecretParameterValue {
  const source = `Secret ${where.namespace}/${where.name} key '${where.key}' (parameter '${parameter}')`;
  const measured = measureJsonText(type === 'secureobject' ? text : JSON.stringify(text));
  const over = overLimitMessage(source, measured, PARAMETERS_LIMITS);
  if (over) return { kind: 'unusable', message: `${over}. Make the value smaller and update the Secret.` };
  if (type !== 'secureobject') return { kind: 'value', value: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text: it is never repeated.
    return {
      kind: 'unusable',
      message: `${source} is not valid JSON: a secureobject parameter takes a JSON object. Fix the value in the Secret.`,
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      kind: 'unusable',
      message: `${source} holds JSON that is not an object: a secureobject parameter takes a JSON object ({...}). Fix the value in the Secret.`,
    };
  }
  return { kind: 'value', value: parsed };
}
