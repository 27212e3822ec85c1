import { Position, positionFromString, positionToString, SqlClient } from '@tally/event-store';

/** Named read positions kept in PostgreSQL beside the events (table created on first use). */
export class CheckpointStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly sql: SqlClient) {}

  async load(name: string): Promise<Position | undefined> {
    await this.ensureTable();
    const rows = await this.sql.query<{ position: string }>('select position from tally_checkpoints where name = $1', [name]);
    const row = rows[0];
    return row ? positionFromString(row.position) : undefined;
  }

  async save(name: string, position: Position): Promise<void> {
    await this.ensureTable();
    await this.sql.query(
      `insert into tally_checkpoints (name, position, updated_at) values ($1, $2, now())
       on conflict (name) do update set position = excluded.position, updated_at = now()`,
      [name, positionToString(position)],
    );
  }

  private ensureTable(): Promise<void> {
    this.ready ??= this.sql
      .query(
        `create table if not exists tally_checkpoints (
           name text primary key, position text not null, updated_at timestamptz not null)`,
      )
      .then(() => undefined);
    return this.ready as Promise<void>;
  }
}
