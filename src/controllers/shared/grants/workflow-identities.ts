// The principal a binding may grant: the one the workflow controller vouches for, recorded as an
// operator record after it checked the namespace policy and ownership and read the principal
// from Azure. Never the workflow's status: a team that can write `*/status` could otherwise have
// any principal granted on its vault (issue 20, item 3).

import type { OperatorRecords } from '../records/operator-records.ts';
import type { IdentityRecord } from '../records/record-configmap.ts';

export class WorkflowIdentities {
  constructor(private readonly records: OperatorRecords) {}

  /** The vouched identity of workflow `name` in `namespace`; undefined while there is none. */
  of(namespace: string, name: string): IdentityRecord | undefined {
    return this.records.read('identity', namespace, name);
  }
}
