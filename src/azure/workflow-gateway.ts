// Microsoft.Logic/workflows (Consumption, api-version 2019-05-01) behind a small interface.
// PUT is synchronous for workflows (no LRO), so createOrUpdate returns the stored workflow.
// Every name that goes into a URL is checked first (arm-names.ts): a bad one is a rejected
// promise with an InvalidAzureNameError and no request.
import { getContinuationToken, type LogicManagementClient, type Workflow } from '@azure/arm-logic';
import { checkResourceGroup, checkWorkflowRef } from './arm-names.ts';
import type { AzureCalls, CallOptions, SdkCallOptions } from './instrumentation.ts';
import { isNotFound } from './not-found.ts';
import {
  type DesiredWorkflow,
  fromArmWorkflow,
  type ObservedWorkflow,
  toArmWorkflow,
  type WorkflowRef,
} from './workflow-model.ts';

export interface WorkflowGateway {
  /** Undefined when the workflow does not exist (its resource group missing is an AzureError). */
  get(ref: WorkflowRef, options?: CallOptions): Promise<ObservedWorkflow | undefined>;
  /** PUT: creates or replaces the workflow as desired. */
  createOrUpdate(
    ref: WorkflowRef,
    desired: DesiredWorkflow,
    options?: CallOptions,
  ): Promise<ObservedWorkflow>;
  /** Deletes the workflow (and with it its system-assigned identity); a missing one counts as deleted. */
  delete(ref: WorkflowRef, options?: CallOptions): Promise<void>;
  /** Every workflow in a resource group (all pages). */
  listByResourceGroup(resourceGroup: string, options?: CallOptions): Promise<ObservedWorkflow[]>;
  /**
   * Every workflow in the subscription (all pages): for per-region quota counting. `select`
   * keeps only what the caller needs of each workflow, page by page (a subscription's listing
   * carries every definition).
   */
  listBySubscription<T = ObservedWorkflow>(
    options?: CallOptions,
    select?: (workflow: ObservedWorkflow) => T,
  ): Promise<T[]>;
}

export class SdkWorkflowGateway implements WorkflowGateway {
  constructor(
    private readonly client: LogicManagementClient,
    private readonly calls: AzureCalls,
  ) {}

  async get(ref: WorkflowRef, options: CallOptions = {}): Promise<ObservedWorkflow | undefined> {
    checkWorkflowRef(ref);
    try {
      const workflow = await this.calls.read('workflows.get', options, (sdk) =>
        this.client.workflows.get(ref.resourceGroup, ref.name, sdk),
      );
      return fromArmWorkflow(workflow);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async createOrUpdate(
    ref: WorkflowRef,
    desired: DesiredWorkflow,
    options: CallOptions = {},
  ): Promise<ObservedWorkflow> {
    checkWorkflowRef(ref);
    const workflow = await this.calls.write('workflows.createOrUpdate', options, (sdk) =>
      this.client.workflows.createOrUpdate(ref.resourceGroup, ref.name, toArmWorkflow(desired), sdk),
    );
    return fromArmWorkflow(workflow, desired.identity.userAssignedIdentityId);
  }

  async delete(ref: WorkflowRef, options: CallOptions = {}): Promise<void> {
    checkWorkflowRef(ref);
    try {
      await this.calls.write('workflows.delete', options, (sdk) =>
        this.client.workflows.delete(ref.resourceGroup, ref.name, sdk),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async listByResourceGroup(resourceGroup: string, options: CallOptions = {}): Promise<ObservedWorkflow[]> {
    checkResourceGroup(resourceGroup);
    return this.#list('workflows.listByResourceGroup', options, (sdk) =>
      this.client.workflows.listByResourceGroup(resourceGroup, sdk),
    );
  }

  listBySubscription<T = ObservedWorkflow>(
    options: CallOptions = {},
    select: (workflow: ObservedWorkflow) => T = (workflow) => workflow as unknown as T,
  ): Promise<T[]> {
    return this.#list(
      'workflows.listBySubscription',
      options,
      (sdk) => this.client.workflows.listBySubscription(sdk),
      select,
    );
  }

  /**
   * All pages of a listing, each page taking its own read token (AzureCalls.readPages), each
   * page converted (and `select`ed) as it arrives so its SDK objects can go.
   */
  async #list<T = ObservedWorkflow>(
    operation: string,
    options: CallOptions,
    open: (sdk: SdkCallOptions) => { byPage(): AsyncIterable<Workflow[]> },
    select: (workflow: ObservedWorkflow) => T = (workflow) => workflow as unknown as T,
  ): Promise<T[]> {
    const pages = await this.calls.readPages(
      operation,
      options,
      (sdk) => open(sdk).byPage(),
      hasNextPage,
      (page) => page.map((workflow) => select(fromArmWorkflow(workflow))),
    );
    return pages.flat();
  }
}

/** Whether the SDK will request another page after `page` (it follows the page's nextLink). */
function hasNextPage(page: unknown): boolean {
  return getContinuationToken(page) !== undefined;
}
