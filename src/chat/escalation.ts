/** The contact options for a visitor: the phone line of their language, its hours, open now, e-mail, form. */
import type { Lang, Tenant, Weekday } from '../content/types.ts';
import { isOpen } from '../rules/opening-hours.ts';
import type { Reply } from './reply.ts';

type T = (key: string, vars?: Record<string, unknown>) => string;

const DAY_ORDER: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "8 h", "17 h 30" in French; "8.00", "17.30" in German and Italian (Swiss usage, never "08:00"). */
export function formatTime(hhmm: string, lang: Lang): string {
  const [h, m] = hhmm.split(':') as [string, string];
  const hour = String(Number(h));
  if (lang === 'fr') return m === '00' ? `${hour}\u00a0h` : `${hour}\u00a0h\u00a0${m}`;
  return `${hour}.${m}`;
}

export function describeHours(tenant: Tenant, t: T, lang: Lang): string {
  return tenant.support.hours
    .map((slot) => {
      const days = [...slot.days].sort((a, b) => DAY_ORDER.indexOf(a) - DAY_ORDER.indexOf(b));
      const contiguous = days.every((d, i) => i === 0 || DAY_ORDER.indexOf(d) === DAY_ORDER.indexOf(days[i - 1]!) + 1);
      const label =
        days.length > 2 && contiguous
          ? t('chat:days.range', { from: t(`chat:days.${days[0]}`), to: t(`chat:days.${days[days.length - 1]}`) })
          : days.map((d) => t(`chat:days.${d}`)).join(', ');
      return t('chat:contact.slot', { days: label, open: formatTime(slot.open, lang), close: formatTime(slot.close, lang) });
    })
    .join('; ');
}

export function contactDetails(tenant: Tenant, lang: Lang, now: Date, t: T): NonNullable<Reply['contact']> {
  const line = tenant.support.phones[lang] ?? Object.values(tenant.support.phones)[0];
  return {
    ...(line ? { phone: line.number } : {}),
    hours: describeHours(tenant, t, lang),
    openNow: isOpen(tenant.support.hours, now),
    email: tenant.support.email,
  };
}

/** The text of the contact options, as the visitor reads it first. */
export function contactText(tenant: Tenant, lang: Lang, now: Date, t: T): string {
  const c = contactDetails(tenant, lang, now, t);
  const lines = [t('chat:contact.intro', { team: tenant.support.name[lang] })];
  if (c.phone) {
    lines.push(t('chat:contact.phone', { number: c.phone, hours: c.hours }));
    lines.push(t(c.openNow ? 'chat:contact.openNow' : 'chat:contact.closedNow'));
  }
  if (c.email) lines.push(t('chat:contact.email', { email: c.email }));
  if (tenant.support.contactForm) lines.push(t('chat:contact.form'));
  return lines.join('\n');
}
