/** Calendar facts in Europe/Zurich time, where the insurers' deadlines and opening hours are set. */
import type { Weekday } from '../content/types.ts';

const fmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Zurich',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

export type ZurichNow = { year: number; month: number; day: number; hhmm: string; weekday: Weekday };

export function zurichNow(at: Date): ZurichNow {
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hhmm: `${parts.hour}:${parts.minute}`,
    weekday: String(parts.weekday).slice(0, 3).toLowerCase() as Weekday,
  };
}

/** A calendar date as ISO "YYYY-MM-DD". */
export const isoDate = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The first day of the month after `at`, in Zurich. */
export function firstOfNextMonth(at: Date): string {
  const { year, month } = zurichNow(at);
  return month === 12 ? isoDate(year + 1, 1, 1) : isoDate(year, month + 1, 1);
}

const MONTHS: Record<'fr' | 'de' | 'it', string[]> = {
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
};

/** "1er janvier 2027", "1. Januar 2027", "1° gennaio 2027". */
export function longDate(iso: string, lang: 'fr' | 'de' | 'it'): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const month = MONTHS[lang][m - 1];
  if (lang === 'de') return `${d}. ${month} ${y}`;
  if (lang === 'fr') return `${d === 1 ? '1er' : d} ${month} ${y}`;
  return `${d === 1 ? '1°' : d} ${month} ${y}`;
}
