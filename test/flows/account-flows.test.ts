import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, portalToken, Visitor } from '../helpers/chat.ts';

describe('accident-cover', () => {
  const testApp = buildChatApp();
  afterAll(() => testApp.dispose());
  const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', `flows:accident-cover.${key}`, { portal: 'myAtupri', ...vars });

  it('gives the portal steps and a login link to an anonymous visitor', async () => {
    const v = new Visitor(testApp.app, 'atupri', 'fr');
    const r = await v.say("exclure l'assurance-accidents");
    expect(r.reply.flow).toEqual({ id: 'accident-cover', step: 'anonymous' });
    expect(r.reply.text).toBe(t('anonymous'));
    expect(choiceIds(r)).toEqual(['open-login']);
  });

  it('excludes the cover of a signed-in person, then offers to include it again', async () => {
    const anna = await portalToken('atupri-demo-anna', 'atupri');
    const v = new Visitor(testApp.app, 'atupri', 'fr', anna);
    const choose = await v.say("exclure l'assurance-accidents");
    expect(choose.reply.flow).toEqual({ id: 'accident-cover', step: 'choose' });
    expect(choose.reply.text).toBe(t('currentlyIncluded'));
    expect(choiceIds(choose)).toEqual(['exclude', 'cancel']);

    const done = await v.press('exclude');
    expect(done.reply.flow).toEqual({ id: 'accident-cover', step: 'done' });
    const recorded = (await testApp.store.listActions('atupri', 10)).filter((a) => a.action === 'accident-cover');
    expect(recorded).toHaveLength(1);
    const reference = (recorded[0]!.result as { reference: string }).reference;
    expect(done.reply.text).toBe(t('doneExcluded', { reference }));
    expect((await testApp.store.listOutbox('atupri', 1))[0]).toMatchObject({ channel: 'letter', recipient: 'Anna Muster', body: 'Accident cover excluded.' });

    const next = new Visitor(testApp.app, 'atupri', 'fr', anna);
    const r = await next.say("inclure l'assurance-accidents");
    expect(r.reply.text).toBe(t('currentlyExcluded'));
    expect(choiceIds(r)).toEqual(['include', 'cancel']);
  });

  it('is not changed for a token of the other tenant', async () => {
    const marie = await portalToken('kpt-demo-marie', 'kpt');
    const v = new Visitor(testApp.app, 'kpt', 'fr', marie);
    const r = await v.say("exclure l'assurance-accidents");
    expect(r.reply.flow?.id ?? null).not.toBe('accident-cover');
  });
});

describe('add-person and supplementary-insurance', () => {
  const testApp = buildChatApp();
  afterAll(() => testApp.dispose());

  it.each([
    ['add-person', 'ajouter une personne à mon compte', 'Ajouter une personne'],
    ['supplementary-insurance', 'souscrire une assurance complémentaire', 'Souscrire une assurance complémentaire'],
  ])('gives the %s steps with a login link, and people on request', async (flow, message, mentioned) => {
    const v = new Visitor(testApp.app, 'atupri', 'fr');
    const r = await v.say(message);
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow).toEqual({ id: flow, step: 'steps' });
    expect(r.reply.text).toBe(testApp.library().t('fr', `flows:${flow}.steps`, { portal: 'myAtupri' }));
    expect(r.reply.text).toContain(mentioned);
    expect(r.reply.text).toMatch(/1\. Connectez-vous\./);
    expect(choiceIds(r)).toEqual(['open-login', 'help', 'cancel']);
    expect(r.reply.choices[0]!.url).toBe('https://my.atupri.ch/login');

    const help = await v.press('help');
    expect(help.reply.kind).toBe('escalate');
    expect(help.reply.flow).toEqual({ id: flow, step: 'help' });
    expect(help.reply.text.startsWith(testApp.library().t('fr', 'flows:common.helpIntro'))).toBe(true);
    expect(help.reply.contact?.phone).toBe('031 555 09 11');
  });
});

describe('online-insurance-join (KPT)', () => {
  let now = new Date('2026-11-21T10:00:00+01:00');
  const testApp = buildChatApp({ now: () => now });
  afterAll(() => testApp.dispose());
  const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', `flows:online-insurance-join.${key}`, { portal: 'CPTnet', ...vars });
  let marie: string;
  beforeAll(async () => {
    marie = await portalToken('kpt-demo-marie', 'kpt');
  });

  it('tells an anonymous visitor it starts on the first of the next month, without promising a date, and links the website', async () => {
    now = new Date('2026-11-21T10:00:00+01:00');
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    const r = await v.say("je veux passer à l'assurance online");
    expect(r.reply.flow).toEqual({ id: 'online-insurance-join', step: 'anonymous' });
    expect(r.reply.text).toBe(t('anonymous', { tenant: 'kpt' }));
    expect(r.reply.text).toContain('1er jour du mois suivant');
    expect(r.reply.text).not.toContain('1er décembre 2026');
    expect(r.reply.choices).toEqual([{ id: 'form', label: t('openForm', { tenant: 'kpt' }), url: 'https://www.kpt.ch' }]);
    expect(r.reply.choices[0]!.label).toBe('Aller sur le site de la CPT');
  });

  it('offers a signed-in person on 15 December to join from 1 January 2027', async () => {
    now = new Date('2026-12-15T10:00:00+01:00');
    const v = new Visitor(testApp.app, 'kpt', 'fr', marie);
    const r = await v.say("je veux passer à l'assurance online");
    expect(r.reply.flow).toEqual({ id: 'online-insurance-join', step: 'confirm' });
    expect(r.reply.text).toBe(t('confirm', { date: '1er janvier 2027' }));
    const cancelled = await v.press('cancel');
    expect(cancelled.reply.flow).toEqual({ id: 'online-insurance-join', step: 'cancelled' });
    expect(await testApp.store.listActions('kpt', 10)).toEqual([]);
  });

  it('joins a signed-in person on 21 November from 1 December 2026, and knows it afterwards', async () => {
    now = new Date('2026-11-21T10:00:00+01:00');
    const v = new Visitor(testApp.app, 'kpt', 'fr', marie);
    const confirm = await v.say("je veux passer à l'assurance online");
    expect(confirm.reply.text).toBe(t('confirm', { date: '1er décembre 2026' }));
    expect(confirm.reply.text).toContain('1er décembre 2026');
    const done = await v.press('confirm');
    expect(done.reply.flow).toEqual({ id: 'online-insurance-join', step: 'done' });
    const recorded = (await testApp.store.listActions('kpt', 10)).filter((a) => a.action === 'online-insurance-join');
    expect(recorded).toHaveLength(1);
    expect((recorded[0]!.result as { details: unknown }).details).toEqual({ effective: '2026-12-01' });
    expect(done.reply.text).toBe(t('done', { date: '1er décembre 2026', reference: (recorded[0]!.result as { reference: string }).reference }));

    const again = new Visitor(testApp.app, 'kpt', 'fr', marie);
    const already = await again.say("je veux passer à l'assurance online");
    expect(already.reply.flow).toEqual({ id: 'online-insurance-join', step: 'already' });
    expect(already.reply.text).toBe(t('already'));
  });
});

describe('online-insurance-leave (KPT)', () => {
  const testApp = buildChatApp();
  afterAll(() => testApp.dispose());
  const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', `flows:online-insurance-leave.${key}`, { portal: 'CPTnet', team: testApp.library().content.tenants.get('kpt')!.tenant.support.name.fr, ...vars });

  it('gives an anonymous visitor the way out and a login link', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    const r = await v.say("quitter l'assurance online");
    expect(r.reply.flow).toEqual({ id: 'online-insurance-leave', step: 'anonymous' });
    expect(r.reply.text).toBe(t('anonymous'));
    expect(r.reply.choices).toEqual([expect.objectContaining({ id: 'open-login', url: 'https://kptnet.kpt.ch' })]);
  });

  it('tells a person who is not online-insured that there is nothing to leave', async () => {
    const marie = await portalToken('kpt-demo-marie', 'kpt');
    const v = new Visitor(testApp.app, 'kpt', 'fr', marie);
    const r = await v.say("quitter l'assurance online");
    expect(r.reply.flow).toEqual({ id: 'online-insurance-leave', step: 'already' });
    expect(r.reply.text).toBe(t('already'));
  });

  it('lets a member leave after confirming', async () => {
    const marie = await portalToken('kpt-demo-marie', 'kpt');
    const joined = await testApp.app.request('/api/actions/online-insurance-join', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${marie}`, 'idempotency-key': 'leave-test-join' },
      body: JSON.stringify({ tenant: 'kpt', lang: 'fr' }),
    });
    expect(joined.status).toBe(200);
    const v = new Visitor(testApp.app, 'kpt', 'fr', marie);
    const confirm = await v.say("quitter l'assurance online");
    expect(confirm.reply.flow).toEqual({ id: 'online-insurance-leave', step: 'confirm' });
    expect(confirm.reply.text).toBe(t('confirm'));
    const done = await v.press('confirm');
    expect(done.reply.flow).toEqual({ id: 'online-insurance-leave', step: 'done' });
    expect(done.reply.text).toMatch(/Référence\s:\sD-[0-9A-F]{8}\.$/);
    expect((await testApp.store.listOutbox('kpt', 1))[0]).toMatchObject({ channel: 'email', recipient: 'marie.exemple@example.ch', body: 'You have left the online insurance.' });
    const after = await new Visitor(testApp.app, 'kpt', 'fr', marie).say("quitter l'assurance online");
    expect(after.reply.flow?.step).toBe('already');
  });
});
