// Step: the workflow definition, inline or from a ConfigMap key. A missing ConfigMap or key is
// waited for (the ConfigMap watch wakes the workflow); a value over the size or nesting limits
// (spec-limits.ts), or content that is not a JSON object, is an invalid spec. An inline
// definition over the limits never gets here: the cache held it back (steps/spec-limits.ts).
import { Reason } from '../../../crds/index.ts';
import { TerminalError } from '../../../runtime/index.ts';
import { readConfigMapDefinition } from '../config-map-definitions.ts';
import type { Step } from '../context.ts';

export const resolveDefinition: Step = async (run) => {
  if (run.spec.definition) {
    run.definition = run.spec.definition;
    return undefined;
  }
  const ref = run.spec.definitionFrom?.configMapKeyRef;
  if (!ref) {
    throw new TerminalError(
      Reason.InvalidSpec,
      'Set spec.definition or spec.definitionFrom.configMapKeyRef.',
    );
  }
  const definition = run.configMapDefinitions
    ? await run.configMapDefinitions.read(run.namespace, ref)
    : (await readConfigMapDefinition(run.deps, run.namespace, ref)).definition;
  switch (definition.kind) {
    case 'missing':
      // No delay: the ConfigMap watch enqueues the workflow when it appears.
      return {
        kind: 'waiting',
        reason: Reason.WaitingForConfigMap,
        message: `ConfigMap ${run.namespace}/${ref.name} ${definition.what}; the workflow is created once it does.`,
      };
    case 'overLimit':
      throw new TerminalError(Reason.InvalidSpec, definition.message);
    case 'text':
      run.definition = parseDefinition(
        definition.text,
        `ConfigMap ${run.namespace}/${ref.name} key '${ref.key}'`,
      );
      return undefined;
  }
};

function parseDefinition(text: string, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes the text; the text is not repeated anywhere (it could hold anything).
    throw new TerminalError(Reason.InvalidSpec, `${where} is not valid JSON; fix the ConfigMap.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TerminalError(Reason.InvalidSpec, `${where} must hold a JSON object (a workflow definition).`);
  }
  return parsed as Record<string, unknown>;
}
