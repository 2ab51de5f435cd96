// Which trigger and action types Logic Apps lets a definition secure in run history
// (`runtimeConfiguration.secureData.properties`: "inputs", "outputs"), and what is wrong with a
// definition that asks for more.
//
// Source: Microsoft Learn, "Secure access and data in Azure Logic Apps", section "Secure data in
// run history by using obfuscation" (learn.microsoft.com/azure/logic-apps/logic-apps-securing-a-logic-app#obfuscate;
// MicrosoftDocs/azure-docs articles/logic-apps/logic-apps-securing-a-logic-app.md at commit
// 8523e128b84f664f46aa5d932699fb0277e8b298, ms.date 07/06/2023). Its table "Secure Inputs -
// Unsupported" lists the variable operations, For each, If, Recurrence, Scope, Switch, Terminate
// and Until; "Secure Outputs - Unsupported" lists those plus Compose, Parse JSON, Response and
// Wait. "The Compose, Parse JSON, and Response actions has only the Secure Inputs setting. When
// turned on, the setting also hides these actions' outputs." The portal designer agrees
// (Azure/LogicAppsUX, libs/logic-apps-shared/src/designer-client-services/lib/base/manifests:
// no secureData setting on the variable and Terminate operations; Parse JSON's is
// `outputsMode: LinkedToInputs`).
//
// INFERRED, not confirmed: what ARM answers when a definition asks anyway. No Microsoft page,
// REST spec or public issue found shows it (searched Microsoft Learn, Azure/logicapps,
// Azure/LogicAppsUX and azure-rest-api-specs for "secureData" with "not supported",
// "InvalidTemplate", the variable and control action types). Modelled as Logic Apps answers every
// other definition it will not run: 400 InvalidTemplate, naming the action and what it cannot do.
import { isObject, type Json } from './common.ts';

interface Securable {
  inputs: boolean;
  outputs: boolean;
}

const NEITHER: Securable = { inputs: false, outputs: false };
const INPUTS_ONLY: Securable = { inputs: true, outputs: false };

/** Action types (as WDL spells them, compared case-insensitively) with less than both settings. */
const ACTION_TYPES: ReadonlyMap<string, Securable> = new Map(
  Object.entries({
    initializevariable: NEITHER,
    setvariable: NEITHER,
    incrementvariable: NEITHER,
    decrementvariable: NEITHER,
    appendtoarrayvariable: NEITHER,
    appendtostringvariable: NEITHER,
    foreach: NEITHER,
    if: NEITHER,
    scope: NEITHER,
    switch: NEITHER,
    until: NEITHER,
    terminate: NEITHER,
    compose: INPUTS_ONLY,
    parsejson: INPUTS_ONLY,
    response: INPUTS_ONLY,
    wait: INPUTS_ONLY,
  }),
);

const TRIGGER_TYPES: ReadonlyMap<string, Securable> = new Map([['recurrence', NEITHER]]);

/**
 * Why this trigger's or action's secureData is not valid, as the template validation words it;
 * undefined when it is (or has none). Every other type supports both settings.
 */
export function secureDataProblem(kind: 'trigger' | 'action', name: string, item: Json): string | undefined {
  const runtimeConfiguration = isObject(item.runtimeConfiguration) ? item.runtimeConfiguration : undefined;
  const secureData = isObject(runtimeConfiguration?.secureData) ? runtimeConfiguration.secureData : undefined;
  if (!secureData || !Array.isArray(secureData.properties)) return undefined;
  const type = typeof item.type === 'string' ? item.type : '';
  const support = (kind === 'action' ? ACTION_TYPES : TRIGGER_TYPES).get(type.toLowerCase());
  if (!support) return undefined;
  const refused = secureData.properties
    .filter((property): property is string => typeof property === 'string')
    .filter((property) => {
      const which = property.toLowerCase();
      return (which === 'inputs' && !support.inputs) || (which === 'outputs' && !support.outputs);
    });
  if (refused.length === 0) return undefined;
  return `The 'secureData' property of template ${kind} '${name}' at line '1' and column '0' is not valid: ${kind}s of type '${type}' do not support secure ${refused.map((p) => `'${p}'`).join(' and ')}`;
}
