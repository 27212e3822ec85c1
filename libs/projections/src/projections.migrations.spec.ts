import { migrationChecksum } from '@tally/event-store';
import { projectionMigrationSet } from './projections.migrations';
import { LIVE_SCHEMA, REBUILD_SCHEMA } from './projections.limits';

// The checksum of every version, as databases record it. A failure means a released migration's
// file changed (restore it: a change is a new version), or a new version is not listed yet (add
// the checksum the failure shows).
const RELEASED_CHECKSUMS = [
  'f34323e04f58c084c9c657fb844846e4fb1df3a19f0de0fe184d96c63929a117',
  '2f4dbc64975240bd95f41f7cd40ce8207c27d96e5c3445e2b6242e3073202c05',
  '0c43337490eb4de4ae0b2a1f8905fc9175207820fe700a19fb9efed8e8e779b7',
  '6fa0e105711130bd883925d3cbb6765c0a83d7f81740f2b59f6ad8c642794e12',
  'd89f69081f4d390c2ca9fdb5285be88c03b941e09558dcc6a811ae7911d43484',
  '972c3f1996f59af92cc59d4e25d2148e6c3e2c90608befdde082d2840ec33adb',
  'f161bb2f3ab89a03efd3fd8a7af683063dff4c9633244bb3ccf143fa71021674',
  '43f8c373b9eb1b9b3e1e89af19299f6378bc638f95ccca5cdd64b8c2f115852b',
  '1adb10f1bf6b4c10395ece9ac9d98781a309f1ff6a8c0ac65223f69dfa777357',
];

describe('the projections migrations', () => {
  it('keep every released version as it was released, and list every version', () => {
    const checksums = projectionMigrationSet(LIVE_SCHEMA).migrations.map(migrationChecksum);
    expect(checksums).toEqual(RELEASED_CHECKSUMS);
  });

  it('build the rebuild schema from the same frozen versions as the live one', () => {
    expect(projectionMigrationSet(REBUILD_SCHEMA).migrations).toEqual(
      projectionMigrationSet(LIVE_SCHEMA).migrations,
    );
  });
});
