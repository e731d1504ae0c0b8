/** Whether a support line is open at a moment, from the tenant's opening hours in Zurich time. */
import type { OpeningSlot } from '../content/types.ts';
import { zurichNow } from './zurich-time.ts';

export function isOpen(hours: OpeningSlot[], at: Date): boolean {
  const now = zurichNow(at);
  return hours.some((slot) => slot.days.includes(now.weekday) && now.hhmm >= slot.open && now.hhmm < slot.close);
}
