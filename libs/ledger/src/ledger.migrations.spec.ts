import { migrationChecksum } from '@tally/event-store';
import { LEDGER_MIGRATIONS } from './ledger.migrations';

// The checksum of every version, as databases record it. A failure means a released migration's
// file changed (restore it: a change is a new version), or a new version is not listed yet (add
// the checksum the failure shows).
const RELEASED_CHECKSUMS = [
  '56f5ffce443763ebffe9f79f074c596111709d3306296d43791e31358bdcab8b',
  '6f91ae635d0397333bd73deae1ff68917caf3ecc9a9d40aa9b1f55cc691ff1e8',
  'a0d1068dab3d286fb599eb2fe5bb10061786388cbce511c67e248d65b6ea4bf5',
  '95ad9928a08d480fb275725c3085b4e45d374ad5eebd9e34ff94cc2d28b397e5',
  '10c459043023d84904cd759f003cc1f978db6d7154ade44db5f2ada8a57b9af9',
  'd256a507fe682cfb5ecf3cc1202b6d7c7192310b61e52d88c789e9ae5a961c86',
];

describe('the ledger migrations', () => {
  it('keep every released version as it was released, and list every version', () => {
    const checksums = LEDGER_MIGRATIONS.migrations.map(migrationChecksum);
    expect(checksums).toEqual(RELEASED_CHECKSUMS);
  });
});
