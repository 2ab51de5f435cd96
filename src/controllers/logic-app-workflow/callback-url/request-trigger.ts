// Which trigger's callback URL a workflow's Secret holds: spec.callbackUrl.trigger, or the
// definition's only Request trigger. Pure; judged before any Azure call, so a definition that
// cannot have the URL asked for is refused (InvalidSpec) instead of written and then failing.
// Only Request triggers have a callback URL: Azure answers 400 ApiNotSupported for any other
// type ("The 'ListCallbackUrl' API is not supported by triggers of type 'Recurrence'.",
// Azure/LogicAppsUX#3430; the emulator, packages/azure-emulator/src/arm/workflow-callbacks.ts,
// holds the same rule).
import type { CallbackUrlSpec, WorkflowDefinition } from '../../../crds/index.ts';

export type CallbackTrigger = { trigger: string } | { problem: string };

/** The Request trigger whose URL `spec` asks for, or why there is none to ask for. */
export function callbackTriggerOf(definition: WorkflowDefinition, spec: CallbackUrlSpec): CallbackTrigger {
  const triggers = declaredTriggers(definition);
  const requests = triggers.filter((t) => t.type.toLowerCase() === 'request').map((t) => t.name);
  if (spec.trigger !== undefined) {
    const named = triggers.find((t) => t.name === spec.trigger);
    if (!named) {
      return {
        problem: `spec.callbackUrl.trigger names '${spec.trigger}', which the definition does not declare (its triggers: ${list(triggers.map((t) => t.name))}).`,
      };
    }
    if (named.type.toLowerCase() !== 'request') {
      return {
        problem: `spec.callbackUrl.trigger names '${spec.trigger}' of type '${named.type}': only Request triggers have a callback URL. Name a Request trigger${requests.length > 0 ? ` (${list(requests)})` : ''}, or remove spec.callbackUrl.`,
      };
    }
    return { trigger: named.name };
  }
  if (requests.length === 1) return { trigger: requests[0]! };
  if (requests.length === 0) {
    return {
      problem:
        'spec.callbackUrl asks for a callback URL, but the definition has no Request trigger (only Request triggers have one). Add a trigger of type Request, or remove spec.callbackUrl.',
    };
  }
  return {
    problem: `spec.callbackUrl asks for a callback URL, but the definition has several Request triggers (${list(requests)}): name one in spec.callbackUrl.trigger.`,
  };
}

function declaredTriggers(definition: WorkflowDefinition): { name: string; type: string }[] {
  const triggers = definition.triggers;
  if (typeof triggers !== 'object' || triggers === null || Array.isArray(triggers)) return [];
  return Object.entries(triggers as Record<string, unknown>).map(([name, trigger]) => {
    const type = (trigger as { type?: unknown } | null)?.type;
    return { name, type: typeof type === 'string' ? type : '' };
  });
}

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ');
}
