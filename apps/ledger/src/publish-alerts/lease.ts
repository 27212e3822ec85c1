import { randomUUID } from 'node:crypto';
import { SqlClient } from '@tally/event-store';
import { ledgerMigrated } from '@tally/ledger';

/**
 * A named lease in PostgreSQL, so that of several ledger instances exactly one publishes alerts
 * at a time. Held while renewed; taken over by another holder once it has expired.
 */
export class Lease {
  readonly holder = randomUUID();

  constructor(
    private readonly sql: SqlClient,
    private readonly name: string,
    private readonly durationMs: number,
  ) {}

  /** Takes or renews the lease; true while this holder has it. */
  async tryHold(): Promise<boolean> {
    await ledgerMigrated(this.sql); // the table is the ledger's
    const rows = await this.sql.query<{ holder: string }>(
      `insert into tally_leases (name, holder, expires_at)
       values ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
       on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where tally_leases.holder = excluded.holder or tally_leases.expires_at < now()
       returning holder`,
      [this.name, this.holder, this.durationMs],
    );
    return rows[0]?.holder === this.holder;
  }

  /** Gives the lease up at once (a clean stop), so another instance need not wait it out. */
  async release(): Promise<void> {
    await this.sql.query('delete from tally_leases where name = $1 and holder = $2', [
      this.name,
      this.holder,
    ]);
  }
}
