// One binding's writes of its grant ledger during a pass. Write-ahead records (guarantee 4) go
// out at once, before the Azure write they guard; a Granted record of a grant Azure already
// shows is deferred to the end of the pass, where the frame stores it just before the status
// write that reports it (reconcile.ts: `beforeStatus`) — there is nothing to write it ahead of.
import type { GrantRecord } from '../../../crds/index.ts';
import type { BindingName, LedgerBook } from './ledger-book.ts';

export class LedgerWriter {
  private deferred: GrantRecord | undefined;

  constructor(
    private readonly ledgers: LedgerBook,
    private readonly binding: () => BindingName,
  ) {}

  /** What logicops granted for this binding: its operator record (or the one deferred), never its status. */
  get record(): GrantRecord | undefined {
    return this.deferred ?? this.ledgers.of(this.binding());
  }

  /** Persists the ledger now. Throws when the write fails, so the Azure write it guards never happens without its record. */
  async write(grant: GrantRecord | undefined): Promise<void> {
    this.deferred = undefined;
    await this.ledgers.write(this.binding(), grant);
  }

  /** Records a grant Azure already shows, at the end of the pass (after a crash the next pass finds it in Azure again). */
  recordGranted(grant: GrantRecord): void {
    this.deferred = structuredClone(grant);
  }

  /** Writes the record `recordGranted` deferred, if any. */
  async storeDeferred(): Promise<void> {
    const deferred = this.deferred;
    if (!deferred) return;
    await this.ledgers.write(this.binding(), deferred);
    this.deferred = undefined;
  }
}
