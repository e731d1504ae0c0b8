/** Timely hints on the help page and in the chat greeting, with an injected clock around each deadline (Europe/Zurich). */
import { describe, expect, it } from 'vitest';
import { dueHints } from '../../src/rules/hints.ts';
import { buildChatApp } from '../helpers/chat.ts';

const at = (iso: string) => new Date(iso);

describe('dueHints', () => {
  const both = ['deductible-decrease', 'deductible-increase'] as const;
  const ids = (iso: string) => dueHints(at(iso), both).map((h) => h.id);

  it('shows nothing before November', () => {
    expect(ids('2026-10-31T23:30:00+01:00')).toEqual([]);
  });
  it('shows both from 1 November, Zurich time', () => {
    expect(ids('2026-11-01T00:10:00+01:00')).toEqual(['deductible-decrease', 'deductible-increase']);
    expect(dueHints(at('2026-11-01T00:10:00+01:00'), both)[0]).toEqual({ id: 'deductible-decrease', deadline: '2026-11-30', year: 2027 });
  });
  it('keeps the decrease until the end of 30 November and drops it the day after', () => {
    expect(ids('2026-11-30T23:59:00+01:00')).toContain('deductible-decrease');
    // 23:30 UTC on 30 November is already 1 December in Zurich.
    expect(ids('2026-11-30T23:30:00Z')).toEqual(['deductible-increase']);
  });
  it('keeps the increase until 31 December and drops it on 1 January', () => {
    expect(ids('2026-12-31T23:59:00+01:00')).toEqual(['deductible-increase']);
    expect(ids('2027-01-01T00:01:00+01:00')).toEqual([]);
  });
  it("shows only the hints the editors chose", () => {
    expect(dueHints(at('2026-11-15T12:00:00+01:00'), ['deductible-increase']).map((h) => h.id)).toEqual(['deductible-increase']);
    expect(dueHints(at('2026-11-15T12:00:00+01:00'), [])).toEqual([]);
  });
});

describe('the pages with the hints', () => {
  const pageAt = async (iso: string, path: string) => {
    const app = buildChatApp({ now: at(iso) });
    try {
      return await (await app.app.request(path)).text();
    } finally {
      app.dispose();
    }
  };

  it("show the decrease deadline in November on Atupri's help page and chat greeting, in the page's language", async () => {
    const help = await pageAt('2026-11-20T10:00:00+01:00', '/atupri/fr/');
    expect(help).toContain('<aside class="hints"');
    expect(help).toContain("Baisser votre franchise pour 2027\u00a0: jusqu&#39;au 30 novembre");
    expect(help).toContain("Augmenter votre franchise pour 2027\u00a0: jusqu&#39;au 31 décembre");
    expect(help).toContain('href="/atupri/fr/faq/coverage-deductible"');
    const chat = await pageAt('2026-11-20T10:00:00+01:00', '/atupri/de/chat');
    expect(chat).toContain('Franchise für 2027 senken: bis 30. November');
  });

  it('drop the decrease on 1 December and everything on 1 January', async () => {
    const december = await pageAt('2026-12-01T08:00:00+01:00', '/atupri/it/');
    expect(december).not.toContain('Ridurre la franchigia');
    expect(december).toContain('Aumentare la franchigia per il 2027: entro il 31 dicembre');
    const january = await pageAt('2027-01-01T08:00:00+01:00', '/atupri/fr/');
    expect(january).not.toContain('<aside class="hints"');
  });

  it('show nothing for a tenant whose editors chose no hints', async () => {
    expect(await pageAt('2026-11-20T10:00:00+01:00', '/kpt/fr/')).not.toContain('<aside class="hints"');
  });
});
