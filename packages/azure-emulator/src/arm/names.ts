// Names the resource providers refuse, as they refuse them. The emulator keeps its own copy of
// these rules (it shares no code with the operator), taken from the same sources:
// - Microsoft.Logic/workflows: 1-43 alphanumerics, hyphens, underscores, periods and
//   parentheses ("Naming rules and restrictions for Azure resources",
//   learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules, ms.date
//   2023-11-20; versions before listed 1-80). Logic Apps answers a bad name with 400
//   `InvalidWorkflow`, "The provided workflow name '…' has these invalid characters '…'. The name
//   can only be a letter, digit, '-', '.', '(', ')' or '_'." (github.com/Azure/logicapps/issues/958,
//   #452), and a long one with "… has a length of '…' which exceeds the maximum limit of '…'."
//   (the same wording for access-policy names: github.com/Azure/logicapps/issues/1438).
//   A name of periods only is a URL dot-segment (RFC 3986 §5.2.4): no resource can be addressed by it.
// - Microsoft.KeyVault/vaults: 3-24 alphanumerics and hyphens, starting with a letter, ending
//   with a letter or digit, no consecutive hyphens (resource-name-rules, stricter than the REST
//   spec's `^[a-zA-Z0-9-]{3,24}$`, azure-rest-api-specs
//   specification/keyvault/resource-manager/Microsoft.KeyVault/stable/2023-07-01/secrets.json);
//   Key Vault answers 400 `VaultNameNotValid` with the message below
//   (github.com/microsoft/azure-data-services-go-fast-codebase/issues/93 quotes it).
import { armErrors } from '../errors.ts';

const WORKFLOW_NAME_CHARACTER = /[-A-Za-z0-9_.()]/;
const WORKFLOW_NAME_MAX = 43;

/** Throws Logic Apps' 400 for a workflow name it refuses. */
export function checkWorkflowName(name: string): void {
  const invalid = [...new Set([...name].filter((c) => !WORKFLOW_NAME_CHARACTER.test(c)))].join('');
  if (invalid) {
    throw armErrors.badRequest(
      'InvalidWorkflow',
      `The provided workflow name '${name}' has these invalid characters '${invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`,
    );
  }
  if (/^\.+$/.test(name)) {
    throw armErrors.badRequest(
      'InvalidWorkflow',
      `The provided workflow name '${name}' is not valid: a name of periods only cannot be addressed.`,
    );
  }
  if (name.length > WORKFLOW_NAME_MAX) {
    throw armErrors.badRequest(
      'InvalidWorkflow',
      `The provided workflow name '${name}' has a length of '${name.length}' which exceeds the maximum limit of '${WORKFLOW_NAME_MAX}'.`,
    );
  }
}

const VAULT_NAME = /^(?=[a-zA-Z0-9-]{3,24}$)[a-zA-Z](-?[a-zA-Z0-9])+$/;

/** Throws Key Vault's 400 for a vault name it refuses. */
export function checkVaultName(name: string): void {
  if (!VAULT_NAME.test(name)) {
    throw armErrors.badRequest(
      'VaultNameNotValid',
      `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
    );
  }
}
