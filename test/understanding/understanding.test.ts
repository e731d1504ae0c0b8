/**
 * Understanding messages as visitors write them, through POST /api/chat: context and politeness around a
 * question, one-word messages, people on request, act or fact, out of scope, "did you mean", and what is
 * learned from visitors' choices. The messages are written for these tests, not taken from any eval file.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';
import { buildChatApp, choiceIds, turn, Visitor } from '../helpers/chat.ts';

const EDITOR_TOKEN = 'editor-secret-for-understanding-tests';
const testApp = buildChatApp({ env: { EDITOR_TOKEN } });
afterAll(() => testApp.dispose());
const { app, store } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, { tenant: 'atupri', ...vars });

describe('messages as people send them', () => {
  it('finds the question after greetings, context and thanks', async () => {
    const r = await turn(app, {
      tenant: 'atupri',
      lang: 'fr',
      message: "Bonsoir, je suis chez vous depuis des années et je n'ai jamais utilisé le portail. Quels formats de fichier acceptez-vous pour les justificatifs ? Merci beaucoup",
    });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.text).toMatch(/10\s?Mo/);
  });

  it('answers a one-word message on a subject', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'de', message: 'Codekarte?' });
    expect(['answer', 'flow']).toContain(r.reply.kind);
    expect(r.reply.kind === 'answer' ? r.reply.sources[0]!.id : r.reply.flow!.id).toMatch(/code-card|login-trouble/);
  });

  it("reads past the insurer's name, which entries that happen to name it must not win on", async () => {
    for (const message of ['Wie hoch ist bei der KPT der Online-Rabatt?', 'Wie viel Online-Rabatt gibt es bei der KPT?']) {
      const r = await turn(app, { tenant: 'kpt', lang: 'de', message });
      expect(r.reply.kind, message).toBe('answer');
      expect(r.reply.sources[0]!.id).toBe('discount-online');
    }
  });

  it('hears an age asked in other words than the entry has ("ab wie vielen Jahren")', async () => {
    const r = await turn(app, { tenant: 'atupri', lang: 'de', message: 'ab wie vielen jahren bekommt man ein myatupri' });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.text).toMatch(/\b18\b/);
  });

  it('starts the login help for an access blocked after failed attempts', async () => {
    for (const [lang, message] of [
      ['de', 'Mein Zugang wurde nach drei Fehlversuchen gesperrt'],
      ['fr', "mon compte a été bloqué après trop d'essais"],
    ] as const) {
      const r = await turn(app, { tenant: 'kpt', lang, message });
      expect(r.reply.kind, message).toBe('flow');
      expect(r.reply.flow!.id).toBe('login-trouble');
    }
  });

  it('copes with typos and missing accents', async () => {
    const r = await turn(app, { tenant: 'atupri', lang: 'de', message: 'wie lang ist der aktivierungslink gültig' });
    expect(['answer', 'flow']).toContain(r.reply.kind);
    expect(r.reply.text).toMatch(/30/);
  });
});

describe('people on request, at once', () => {
  it.each([
    ['fr', "J'aimerais qu'une personne de chez vous me téléphone demain, s'il vous plaît", '031 555 09 11'],
    ['de', 'Dieser Roboter bringt mir gar nichts, ich will mit jemandem vom Team reden!', '031 555 09 11'],
    ['it', 'preferisco parlare con qualcuno al telefono, grazie', '031 555 09 11'],
  ] as const)('escalates in the first reply (%s)', async (lang, message, phone) => {
    const r = await turn(app, { tenant: 'atupri', lang, message });
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.text).toContain(phone);
    expect(choiceIds(r)).toContain('contact-form');
  });

  it('gives KPT visitors the web-support line of their language', async () => {
    const r = await turn(app, { tenant: 'kpt', lang: 'it', message: 'vorrei parlare con una persona del supporto per favore' });
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.contact?.phone).toBe('0800 815 417');
  });

  it('hears the wish in a clause of one word, and none in words that only hold a sentence together', async () => {
    // "richiamatemi" alone before "per la franchigia" asks for a person; "möchte mich" before "für" does not.
    const callBack = await turn(app, { tenant: 'atupri', lang: 'it', message: 'richiamatemi per la franchigia' });
    expect(callBack.reply.kind).toBe('escalate');
    const register = await turn(app, { tenant: 'atupri', lang: 'de', message: 'möchte mich für myatupri registrieren' });
    expect(register.reply.kind).toBe('flow');
    expect(register.reply.flow!.id).toBe('registration');
  });

  it('takes "can you help me?" after a problem told in full for a wish to have it solved, not for a person', async () => {
    const solved = await turn(app, { tenant: 'kpt', lang: 'de', message: 'Ich finde meine Codekarte nicht mehr. Können Sie mir helfen?' });
    expect(solved.reply.kind).toBe('flow');
    const person = await turn(app, { tenant: 'atupri', lang: 'fr', message: 'Mon code ne marche pas. Passez-moi un conseiller.' });
    expect(person.reply.kind).toBe('escalate');
  });

  it('carries the subject named with the wish into the contact form', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    const first = await v.say('pouvez-vous me rappeler au sujet de ma franchise ?');
    expect(first.reply.kind).toBe('escalate');
    await v.press('contact-form');
    await v.say('Anna Muster');
    await v.say('anna@example.ch');
    const next = await v.press('skip');
    // The topic is known: the form goes straight to the message.
    expect(next.reply.flow).toEqual({ id: 'contact', step: 'message' });
  });
});

describe('answer or flow', () => {
  it('answers a question for a fact and offers the flow that acts on it first', async () => {
    const r = await turn(app, { tenant: 'atupri', lang: 'it', message: 'Fino a quando posso chiedere una franchigia più alta per il prossimo anno?' });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.sources[0]!.id).toBe('coverage-deductible');
    expect(r.reply.choices[0]!.id).toBe('flow:deductible-change');
  });

  it('starts the flow for a wish to act, and it states the deadlines', async () => {
    const r = await turn(app, { tenant: 'atupri', lang: 'de', message: 'Ich würde gern eine tiefere Franchise nehmen' });
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow!.id).toBe('deductible-change');
    expect(r.reply.text).toMatch(/30\. November/);
  });

  it('answers a subject that a few phrasings of a flow only share a word with, without the flow', async () => {
    // Some phrasings of login trouble speak of the app ("l'app ne s'ouvre pas"); uploading documents
    // with the app is still not a login problem.
    const r = await turn(app, { tenant: 'atupri', lang: 'fr', message: "je peux envoyer mes documents avec l'application ?" });
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.sources[0]!.id).toBe('documents-upload-app');
    expect(r.reply.choices.map((c) => c.id)).not.toContain('flow:login-trouble');
  });

  it('hears a wish told with its story as a wish, and a question for a fact after a wish as the question', async () => {
    // (The whole message reads as a statement of facts: the story outweighs the wish.)
    const wish = await turn(app, { tenant: 'atupri', lang: 'it', message: 'vorrei togliere la copertura infortuni, lavoro a tempo pieno da maggio e il datore di lavoro mi assicura' });
    expect(wish.reply.flow?.id).toBe('accident-cover');
    const question = await turn(app, { tenant: 'atupri', lang: 'de', message: 'Ich möchte die Franchise erhöhen. Bis wann muss das bei Ihnen sein?' });
    expect(question.reply.kind).toBe('answer');
    expect(question.reply.sources[0]!.id).toBe('coverage-deductible');
  });

  it('starts the flow at the step of the problem described', async () => {
    const r = await turn(app, { tenant: 'atupri', lang: 'fr', message: "le code par sms n'arrive jamais sur mon portable" });
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'code-checks' });
  });
});

describe('out of scope and not understood', () => {
  it('refuses a question whose words are mostly none of our subjects, though an n-gram or a word matches one', async () => {
    for (const [tenant, message] of [['kpt', 'qui va gagner les élections fédérales ?'], ['atupri', 'écris-moi un poème sur les vaches']] as const) {
      const r = await turn(app, { tenant, lang: 'fr', message });
      // Out of scope: no answer and no "did you mean" of entries, only people.
      expect(r.reply.kind).toBe('clarify');
      expect(r.reply.sources).toEqual([]);
      expect(r.reply.choices.filter((c) => c.id.startsWith('faq:'))).toEqual([]);
    }
  });

  it("refuses a question about another company's portal, and answers one that names it beside us", async () => {
    const other = await turn(app, { tenant: 'atupri', lang: 'fr', message: 'Mon login sur le portail de la Swica ne marche plus' });
    expect(other.reply.kind).toBe('clarify');
    expect(other.reply.flow).toBeNull();
    expect(other.reply.choices.filter((c) => c.id.startsWith('faq:') || c.id.startsWith('flow:'))).toEqual([]);
    const switching = await turn(app, { tenant: 'atupri', lang: 'fr', message: "J'étais chez Helsana jusqu'en décembre, comment je m'inscris à myAtupri ?" });
    expect(switching.reply.flow?.id).toBe('registration');
    const us = await turn(app, { tenant: 'kpt', lang: 'de', message: 'Ich war bei der Visana, kann ich bei euch den Online-Rabatt haben?' });
    // Not refused: the online discount is answered, or offered among the discounts.
    expect([...us.reply.sources.map((s) => s.id), ...us.reply.choices.map((c) => c.id.replace(/^faq:/, ''))]).toContain('discount-online');
  });

  it('refuses questions that share our words, politely, with contact', async () => {
    for (const message of ['Welche Franchise soll ich bei meinem Gesundheitszustand wählen?', "Comment j'installe l'app de la Concordia ?"]) {
      const r = await turn(app, { tenant: 'atupri', lang: message.startsWith('Comment') ? 'fr' : 'de', message });
      expect(['clarify', 'escalate']).toContain(r.reply.kind);
      expect(r.reply.sources).toEqual([]);
    }
  });

  it('leaves advice on which option suits the visitor to people, with the facts one tap away', async () => {
    for (const [lang, message] of [
      ['fr', 'Entre 300 et 1500 francs de franchise, que me recommandez-vous ? Je suis rarement malade.'],
      ['de', 'Welche Franchise würden Sie mir für meine Familie empfehlen?'],
      ['it', 'Secondo voi quale franchigia dovrei scegliere io che non vado mai dal medico?'],
    ] as const) {
      const r = await turn(app, { tenant: 'atupri', lang, message });
      expect(r.reply.kind, message).toBe('escalate');
      expect(r.reply.text).toContain(t(lang, 'chat:advice'));
      expect(r.reply.contact?.phone).toBeTruthy();
      expect(choiceIds(r)).toContain('faq:coverage-deductible');
    }
    // The same subject asked for a fact is answered.
    const fact = await turn(app, { tenant: 'atupri', lang: 'fr', message: 'Quelles franchises peut-on choisir chez vous ?' });
    expect(['answer', 'flow']).toContain(fact.reply.kind);
  });

  it('offers at most three candidates, never an empty "did you mean", and people at the second miss', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    const first = await v.say('documents');
    if (first.reply.kind === 'clarify') {
      const faq = choiceIds(first).filter((id) => id.startsWith('faq:') || id.startsWith('flow:'));
      expect(faq.length).toBeLessThanOrEqual(3);
      if (faq.length === 0) expect(first.reply.text).not.toBe(t('fr', 'chat:clarify.didYouMean'));
    }
    const a = await v.say('zorblax quinqua');
    const b = await v.say('flimzap trodel');
    expect([a.reply.kind, b.reply.kind]).toContain('escalate');
  });
});

describe('learning from visitors, with editors in control', () => {
  it('keeps the phrasing of a "did you mean" pick, redacted, for editors and `npm run suggestions`', async () => {
    // A message the assistant is unsure of: the visitor picks what it offers.
    const v = new Visitor(app, 'atupri', 'fr');
    const first = await v.say("Je m'appelle Hans Meier. facture et portail");
    const pick = choiceIds(first).find((id) => id.startsWith('faq:'));
    expect(first.reply.kind).toBe('clarify');
    expect(pick).toBeDefined();
    await v.press(pick!);
    const saved = await store.suggestions('atupri');
    const mine = saved.find((s) => s.entryId === pick!.slice(4));
    expect(mine?.phrasing).toBeDefined();
    expect(mine!.phrasing).not.toContain('Hans Meier');

    const page = await app.request('/editor/insights?tenant=atupri', { headers: { authorization: `Bearer ${EDITOR_TOKEN}`, 'accept-language': 'fr-CH' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Formulations proposées');
    expect(html).toContain(`${pick!.slice(4)}.fr.md</code><br>après la ligne `);

    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/suggestions.ts', '--tenant', 'atupri'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: testApp.dataDir, DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('alternates:');
    expect(cli.stdout).toContain(`${pick!.slice(4)}.fr.md`);
  });
});

describe('npm run eval -- --explain', () => {
  it('shows the top labels with probabilities and features, and a confusion summary', () => {
    const file = join(testApp.dataDir, 'cases.jsonl');
    writeFileSync(file, `${JSON.stringify({ tenant: 'kpt', lang: 'fr', q: 'ma carte de code est perdue', kind: 'flow' })}\n`);
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/eval.ts', '--explain', file], { cwd: ROOT, encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/0\.\d\d (faq|flow):/);
    expect(out.stdout).toContain('confusion');
    // A process of its own loads the content and learns the models before it explains.
  }, 60_000);
});
