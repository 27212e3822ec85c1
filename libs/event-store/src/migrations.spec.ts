import { EVENT_STORE_NOTIFY_CHANNEL } from './event-store.limits';
import { migrationChecksum } from './migration-runner';
import { EVENT_STORE_MIGRATIONS } from './migrations';
import {
  DUPLICATE_EVENT_SQLSTATE,
  HELD_STREAM_MOVED_SQLSTATE,
  WRONG_EXPECTED_REVISION_SQLSTATE,
} from './sql/append-function.sql';

// The checksum of every version, as databases record it. A failure means a released migration's
// file changed (restore it: a change is a new version), or a new version is not listed yet (add
// the checksum the failure shows).
const RELEASED_CHECKSUMS = [
  'e61f993c369c12bd692d8c74075acb4b5c7eee006a5f2b898df86a21ff66bc5e',
  '115b024700b6c6be7ca56aa158fdf7a9a0ccbbea1e68f963dac4cebde192264f',
  '1d31f989f5ef57f9af2ec97159af5be5b54e8717d8914ac1808a67c5f2a0427a',
  '2276353ba1e81967c56fdd9dcf4bbf5226efa5c640cdce2efc4dcdf44ccc0439',
  '45036c0908c4681c5275e82e36d7023ef4d0f4deb2cedae4d7de2c745e6030d8',
  'a7f9dd51f0068604033c5fc9771cee58a0c2cfb6491f071870f2c70e602bf3ee',
  '36e2328802db887e81ccd6b6f9966e397aa4a340deb70224423b9c38c7f85b9a',
  'd4c96d60a5a4f092e5e4ce79fcbfc2cf4c5ba0315b013b084b8f8237a29bfe02',
];

describe('the event store migrations', () => {
  it('keep every released version as it was released, and list every version', () => {
    const checksums = EVENT_STORE_MIGRATIONS.migrations.map(migrationChecksum);
    expect(checksums).toEqual(RELEASED_CHECKSUMS);
  });

  /** The newest migration that defines `name`'s function, as one text. */
  function latestDefinitionOf(name: string): string {
    const latest = EVENT_STORE_MIGRATIONS.migrations
      .filter((migration) =>
        migration.statements.some((statement) => statement.includes(`FUNCTION ${name}(`)),
      )
      .at(-1);
    return latest?.statements.join('\n') ?? '';
  }

  it('leave event_store_append_holding raising the SQLSTATE the store maps', () => {
    expect(latestDefinitionOf('event_store_append_holding')).toContain(
      `ERRCODE = '${HELD_STREAM_MOVED_SQLSTATE}'`,
    );
  });

  it('leave event_store_append raising the SQLSTATEs the store maps and notifying its channel', () => {
    const definition = latestDefinitionOf('event_store_append');
    expect(definition).toContain(`ERRCODE = '${WRONG_EXPECTED_REVISION_SQLSTATE}'`);
    expect(definition).toContain(`ERRCODE = '${DUPLICATE_EVENT_SQLSTATE}'`);
    expect(definition).toContain(`pg_notify('${EVENT_STORE_NOTIFY_CHANNEL}'`);
  });
});
