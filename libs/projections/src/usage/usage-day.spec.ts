import { utcDayOf } from './usage.projection';

describe('utcDayOf', () => {
  it('reads the day of a canonical instant', () => {
    expect(utcDayOf('2026-11-25T23:59:59.999Z')).toBe('2026-11-25');
  });

  it('converts an instant with an offset to its UTC day', () => {
    expect(utcDayOf('2026-11-25T23:30:00+02:00')).toBe('2026-11-25');
    expect(utcDayOf('2026-11-25T23:30:00-02:00')).toBe('2026-11-26');
  });
});
