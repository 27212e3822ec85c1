import { Position, positionFromString, positionToString, SqlClient } from '@tally/event-store';
import { ledgerMigrated } from '@tally/ledger';

/** Named read positions in PostgreSQL beside the events (a ledger table, migrated on first use). */
export class CheckpointStore {
  constructor(private readonly sql: SqlClient) {}

  async load(name: string): Promise<Position | undefined> {
    await ledgerMigrated(this.sql);
    const rows = await this.sql.query<{ position: string }>(
      'select position from tally_checkpoints where name = $1',
      [name],
    );
    const row = rows[0];
    return row ? positionFromString(row.position) : undefined;
  }

  async save(name: string, position: Position): Promise<void> {
    await ledgerMigrated(this.sql);
    await this.sql.query(
      `insert into tally_checkpoints (name, position, updated_at) values ($1, $2, now())
       on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [name, positionToString(position)],
    );
  }
}
