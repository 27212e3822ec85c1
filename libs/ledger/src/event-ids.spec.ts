import { storedEventId } from './event-ids';

// Stored ids are part of the data: a change of the derivation would let a redelivered action
// through as new. These values were computed by the first implementation (createHash).
describe('storedEventId', () => {
  it('derives the same name-based UUIDs as ever', () => {
    expect(storedEventId('8a6f2c1e-0000-4000-8000-000000000001')).toBe(
      '17343c33-dc2a-5f31-81ac-f1b80d015696',
    );
    expect(storedEventId('8a6f2c1e-0000-4000-8000-000000000001', 1)).toBe(
      '2243c74d-9755-537b-84dd-7daeb7efa0f8',
    );
    expect(storedEventId('pack:pay_42é')).toBe('0e027b83-93f5-515e-b587-dc2d1140b320');
  });

  it('is a version-5, RFC 4122 variant UUID', () => {
    expect(storedEventId('any key')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});
