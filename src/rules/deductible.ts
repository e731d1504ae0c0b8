/**
 * The deductible rules of Swiss basic insurance as the insurer states them: the legal amounts, the
 * change taking effect on 1 January of the next year, and the deadlines (a decrease must arrive by
 * 30 November, an increase by 31 December).
 */
import { isoDate, zurichNow } from './zurich-time.ts';

export const ADULT_AMOUNTS = [300, 500, 1000, 1500, 2000, 2500] as const;
export const CHILD_AMOUNTS = [0, 100, 200, 300, 400, 500, 600] as const;

export const amountsFor = (adult: boolean): readonly number[] => (adult ? ADULT_AMOUNTS : CHILD_AMOUNTS);

export type DeductibleDecision =
  | { ok: true; direction: 'increase' | 'decrease'; effective: string; deadline: string }
  | { ok: false; reason: 'same_amount' | 'not_allowed_amount' | 'decrease_too_late'; deadline?: string; effective?: string };

/** The days of the year by which a change must arrive, as "MM-DD"; by law 30 November and 31 December. */
export type DeductibleDeadlines = { decrease: string; increase: string };
export const LEGAL_DEADLINES: DeductibleDeadlines = { decrease: '11-30', increase: '12-31' };

/** What the visitor may still do today: the deadlines of this year for a change on 1 January next year. */
export function deadlines(at: Date, days: DeductibleDeadlines = LEGAL_DEADLINES) {
  const { year, month, day } = zurichNow(at);
  const decreaseDeadline = `${year}-${days.decrease}`;
  const increaseDeadline = `${year}-${days.increase}`;
  const today = isoDate(year, month, day);
  return {
    today,
    effective: isoDate(year + 1, 1, 1),
    decreaseDeadline,
    increaseDeadline,
    canDecrease: today <= decreaseDeadline,
    // With the legal 31 December, an increase is possible on every day of the year.
    canIncrease: today <= increaseDeadline,
  };
}

export function decideChange(at: Date, adult: boolean, current: number, wanted: number): DeductibleDecision {
  if (!amountsFor(adult).includes(wanted)) return { ok: false, reason: 'not_allowed_amount' };
  if (wanted === current) return { ok: false, reason: 'same_amount' };
  const d = deadlines(at);
  const direction = wanted > current ? 'increase' : 'decrease';
  if (direction === 'decrease' && !d.canDecrease) return { ok: false, reason: 'decrease_too_late', deadline: d.decreaseDeadline, effective: d.effective };
  return { ok: true, direction, effective: d.effective, deadline: direction === 'increase' ? d.increaseDeadline : d.decreaseDeadline };
}
