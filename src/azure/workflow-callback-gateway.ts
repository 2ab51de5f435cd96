// Callback URLs of a workflow's Request triggers (Microsoft.Logic/workflows, api-version
// 2019-05-01): WorkflowTriggers_ListCallbackUrl and Workflows_RegenerateAccessKey, through the
// real @azure/arm-logic client. A callback URL carries its own authorization (the `sig` query,
// signed with the workflow's access key): it is a secret, handed to the caller and to nothing
// else — never logged, never part of an error.
//
// Both are POST actions, which ARM meters as writes: they go through the write budget and the
// leadership fence like a PUT (a standby replica mints no URLs and rotates no keys).
import type { LogicManagementClient } from '@azure/arm-logic';
import { TRIGGER_NAME } from '../crds/azure-formats.ts';
import { checkName, checkWorkflowRef } from './arm-names.ts';
import type { AzureCalls, CallOptions } from './instrumentation.ts';
import type { WorkflowRef } from './workflow-model.ts';

/** Which of the workflow's two access keys (the spec's KeyType, without NotSpecified). */
export type AccessKeyType = 'Primary' | 'Secondary';

export interface WorkflowCallbackGateway {
  /**
   * The callback URL of one Request trigger, signed with the workflow's primary key (the
   * trigger-level operation takes no key type). A trigger of another type is an AzureError
   * (400 ApiNotSupported).
   */
  triggerCallbackUrl(ref: WorkflowRef, triggerName: string, options?: CallOptions): Promise<string>;
  /** Draws a new access key: every callback URL signed with the old one stops working at once. */
  regenerateAccessKey(ref: WorkflowRef, keyType: AccessKeyType, options?: CallOptions): Promise<void>;
}

export class SdkWorkflowCallbackGateway implements WorkflowCallbackGateway {
  constructor(
    private readonly client: LogicManagementClient,
    private readonly calls: AzureCalls,
  ) {}

  async triggerCallbackUrl(
    ref: WorkflowRef,
    triggerName: string,
    options: CallOptions = {},
  ): Promise<string> {
    checkWorkflowRef(ref);
    checkName(TRIGGER_NAME, 'trigger name', triggerName);
    const answer = await this.calls.write('workflowTriggers.listCallbackUrl', options, (sdk) =>
      this.client.workflowTriggers.listCallbackUrl(ref.resourceGroup, ref.name, triggerName, sdk),
    );
    if (!answer.value) {
      throw new Error(
        `Azure answered listCallbackUrl for trigger '${triggerName}' of workflow ${ref.resourceGroup}/${ref.name} without a URL; the next reconcile asks again.`,
      );
    }
    return answer.value;
  }

  async regenerateAccessKey(
    ref: WorkflowRef,
    keyType: AccessKeyType,
    options: CallOptions = {},
  ): Promise<void> {
    checkWorkflowRef(ref);
    await this.calls.write('workflows.regenerateAccessKey', options, (sdk) =>
      this.client.workflows.regenerateAccessKey(ref.resourceGroup, ref.name, { keyType }, sdk),
    );
  }
}
