// Every binding's grant ledger: what logicops granted in Azure for it, kept as an operator record
// (shared/records/), never read from status. A team that can write `*/status` could otherwise
// make the operator revoke any principal's permissions anywhere, or count its own additions as
// pre-existing; a restore that drops status would leak every grant (issue 20, items 3 and 4).
import type { GrantRecord } from '../../../crds/index.ts';
import type { OperatorRecords } from '../../shared/records/operator-records.ts';

export interface BindingName {
  namespace: string;
  name: string;
  uid?: string;
}

export class LedgerBook {
  constructor(readonly records: OperatorRecords) {}

  /** The binding's own ledger (written by this process, else as the records cache holds it). */
  of(binding: BindingName): GrantRecord | undefined {
    return this.records.read('grant', binding.namespace, binding.name);
  }

  /**
   * Every other binding's ledger that grants this principal (all watched namespaces): the only
   * ones that can share its access-policy entry or its role assignments (whose names derive
   * from the principal).
   */
  othersGranting(binding: BindingName, principalId: string): GrantRecord[] {
    return this.records
      .grantsOf(principalId)
      .filter(({ object }) => object.namespace !== binding.namespace || object.name !== binding.name)
      .map(({ payload }) => payload);
  }

  /** Persists the ledger (undefined: removes it). Throws when the write fails. */
  async write(binding: BindingName, grant: GrantRecord | undefined): Promise<void> {
    if (grant) await this.records.write('grant', binding, grant);
    else await this.records.remove('grant', binding.namespace, binding.name);
  }
}
