import { describe, expect, it } from 'vitest';
import { ADULT_AMOUNTS, amountsFor, CHILD_AMOUNTS, deadlines, decideChange } from '../../../src/rules/deductible.ts';

// Zurich is UTC+1 in November and December: local midnight is 23:00 UTC the day before.
const zurich = (local: string) => new Date(`${local}+01:00`);

describe('amountsFor', () => {
  it('gives the legal adult amounts, from CHF 300 to CHF 2500', () => {
    expect(amountsFor(true)).toEqual([300, 500, 1000, 1500, 2000, 2500]);
    expect(amountsFor(true)).toBe(ADULT_AMOUNTS);
  });

  it("gives the legal children's amounts, from CHF 0 to CHF 600", () => {
    expect(amountsFor(false)).toEqual([0, 100, 200, 300, 400, 500, 600]);
    expect(amountsFor(false)).toBe(CHILD_AMOUNTS);
  });
});

describe('deadlines', () => {
  it('allows both directions for 1 January of next year until 30 November', () => {
    expect(deadlines(zurich('2026-11-21T10:00:00'))).toEqual({
      today: '2026-11-21',
      effective: '2027-01-01',
      decreaseDeadline: '2026-11-30',
      increaseDeadline: '2026-12-31',
      canDecrease: true,
      canIncrease: true,
    });
  });

  it('still allows a decrease on 30 November at 23:59 in Zurich', () => {
    const d = deadlines(zurich('2026-11-30T23:59:59'));
    expect(d.today).toBe('2026-11-30');
    expect(d.canDecrease).toBe(true);
  });

  it('stops decreases at midnight in Zurich, although it is still 30 November in UTC', () => {
    const at = new Date('2026-11-30T23:00:00Z');
    expect(at.getUTCDate()).toBe(30);
    const d = deadlines(at);
    expect(d.today).toBe('2026-12-01');
    expect(d.canDecrease).toBe(false);
    expect(d.canIncrease).toBe(true);
    expect(d.effective).toBe('2027-01-01');
  });

  it('still allows an increase on 31 December for 1 January of the next year', () => {
    const d = deadlines(zurich('2026-12-31T23:59:00'));
    expect(d).toMatchObject({ today: '2026-12-31', effective: '2027-01-01', canDecrease: false, canIncrease: true });
  });

  it('moves to the next year on 1 January in Zurich (31 December 23:00 UTC)', () => {
    const d = deadlines(new Date('2026-12-31T23:00:00Z'));
    expect(d).toMatchObject({ today: '2027-01-01', effective: '2028-01-01', decreaseDeadline: '2027-11-30', increaseDeadline: '2027-12-31', canDecrease: true });
  });

  it('uses summer time in summer (UTC+2)', () => {
    // 1 July 2026 00:30 in Zurich is 30 June 22:30 UTC
    expect(deadlines(new Date('2026-06-30T22:30:00Z')).today).toBe('2026-07-01');
  });
});

describe('decideChange', () => {
  it('accepts an increase up to 31 December, effective 1 January', () => {
    expect(decideChange(zurich('2026-12-31T12:00:00'), true, 300, 2500)).toEqual({ ok: true, direction: 'increase', effective: '2027-01-01', deadline: '2026-12-31' });
  });

  it('accepts a decrease up to 30 November', () => {
    expect(decideChange(zurich('2026-11-30T12:00:00'), true, 2500, 300)).toEqual({ ok: true, direction: 'decrease', effective: '2027-01-01', deadline: '2026-11-30' });
  });

  it('refuses a decrease from 1 December and says until when it was possible', () => {
    expect(decideChange(zurich('2026-12-01T00:00:00'), true, 2500, 300)).toEqual({ ok: false, reason: 'decrease_too_late', deadline: '2026-11-30', effective: '2027-01-01' });
  });

  it('refuses an amount that is not a legal one for the person', () => {
    expect(decideChange(zurich('2026-11-01T12:00:00'), true, 300, 1200)).toEqual({ ok: false, reason: 'not_allowed_amount' });
    expect(decideChange(zurich('2026-11-01T12:00:00'), true, 300, 0)).toEqual({ ok: false, reason: 'not_allowed_amount' });
    expect(decideChange(zurich('2026-11-01T12:00:00'), false, 0, 2500)).toEqual({ ok: false, reason: 'not_allowed_amount' });
  });

  it('refuses the current amount', () => {
    expect(decideChange(zurich('2026-11-01T12:00:00'), true, 1000, 1000)).toEqual({ ok: false, reason: 'same_amount' });
  });

  it("lets a child's parent go from CHF 0 to CHF 600", () => {
    expect(decideChange(zurich('2026-11-01T12:00:00'), false, 0, 600)).toMatchObject({ ok: true, direction: 'increase' });
  });
});
