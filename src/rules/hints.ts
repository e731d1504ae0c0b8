/**
 * Timely hints: what is due soon under the insurer's rules, from today's date in Europe/Zurich. Each hint
 * shows from the start of its window until its deadline and disappears the day after. Editors choose the
 * hints per tenant (`hints` in tenant.yaml).
 */
import { deadlines } from './deductible.ts';
import { isoDate, zurichNow } from './zurich-time.ts';

export const HINT_IDS = ['deductible-decrease', 'deductible-increase'] as const;
export type HintId = (typeof HINT_IDS)[number];

/** The FAQ entry a hint links to, when the tenant has it. */
export const HINT_ENTRY: Record<HintId, string> = { 'deductible-decrease': 'coverage-deductible', 'deductible-increase': 'coverage-deductible' };

/** A hint due today: until when, and for which year the change counts. */
export type DueHint = { id: HintId; deadline: string; year: number };

/** Hints show from 1 November: the month in which insurers announce next year's premiums. */
const WINDOW_START = { month: 11, day: 1 };

export function dueHints(at: Date, chosen: readonly HintId[]): DueHint[] {
  const { year } = zurichNow(at);
  const d = deadlines(at);
  const from = isoDate(year, WINDOW_START.month, WINDOW_START.day);
  const all: (DueHint & { open: boolean })[] = [
    { id: 'deductible-decrease', deadline: d.decreaseDeadline, year: year + 1, open: d.today >= from && d.canDecrease },
    { id: 'deductible-increase', deadline: d.increaseDeadline, year: year + 1, open: d.today >= from && d.canIncrease },
  ];
  return all.filter((h) => h.open && chosen.includes(h.id)).map(({ open: _open, ...h }) => h);
}
