/**
 * Whole conversations through POST /api/chat, as visitors hold them: a follow-up on the last answer, a
 * question inside a flow and back, a value typed into a sentence, a language switch, out of scope and
 * back, "that does not help", a first message that names the case.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, Visitor } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (lang: 'fr' | 'de' | 'it', key: string, vars?: Record<string, unknown>) => testApp.library().t(lang, key, { tenant: 'kpt', ...vars });
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();

describe('a follow-up is read against the last answer', () => {
  it('"und wenn ich sie verliere?" after the code card stays on the code card, never the contact options', async () => {
    const v = new Visitor(app, 'kpt', 'de');
    expect((await v.say('Was ist eine Codekarte?')).reply.sources[0]?.id).toBe('login-code-card');
    const lost = await v.say('und wenn ich sie verliere?');
    expect(['answer', 'flow']).toContain(lost.reply.kind);
    // The pages' advice: the extra code comes by e-mail or SMS instead.
    expect(fold(lost.reply.text)).toMatch(/sms|e-mail/);
    const next = await v.say('und wie lange dauert es bis die neue kommt?');
    expect(next.reply.text).not.toBe(t('de', 'chat:outOfScope'));
  });

  it('"il reste valable combien de temps ?" at the activation step is the activation link, 30 days', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    const first = await v.say("j'ai pas cliqué sur le lien d'activation");
    expect(first.reply.flow).toEqual({ id: 'registration', step: 'activation' });
    const how = await v.say('il reste valable combien de temps ?');
    expect(how.reply.text).toMatch(/\b30\b/);
    expect(how.reply.text).not.toMatch(/\b5 jours\b/);
    // The flow waits behind the question, to be taken up again.
    expect(choiceIds(how)).toContain('resume');
  });

  it('"c\'est possible jusqu\'à quand ?" after asking for a higher deductible gives the deadlines; "ça m\'aide pas" offers more, not a login flow', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    expect((await v.say('je veux passer à la franchise de 2500')).reply.flow?.id).toBe('deductible-change');
    const until = await v.say("c'est possible jusqu'à quand ?");
    expect(until.reply.text).toMatch(/31 décembre/);
    const no = await v.say("ça m'aide pas");
    expect(no.reply.flow).toBeNull();
    expect(no.reply.kind).not.toBe('flow');
    expect(choiceIds(no)).toContain('contact');
  });
});

describe('what the last answer said keeps a message on its topic, and what it never said does not', () => {
  it('a question naming a word of the answer ("PostFinance" after eBill) is a follow-up, not out of scope', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    expect((await v.say("Comment s'inscrire à eBill ?")).reply.sources[0]?.id).toBe('ebill-register');
    const bank = await v.say('il faut absolument être chez PostFinance pour ça ?');
    expect(bank.reply.kind).toBe('answer');
    expect(bank.reply.sources[0]?.id).toBe('ebill-register');
  });

  it('a question in words none of our pages uses, opened as a follow-up, is not answered with the last entry', async () => {
    const v = new Visitor(app, 'kpt', 'de');
    expect((await v.say('Wo finde ich meine Dokumente im KPTnet?')).reply.sources[0]?.id).toBe('documents-find');
    const bus = await v.say('und wann fährt eigentlich der Bus nach Bern?');
    expect(['answer', 'flow']).not.toContain(bus.reply.kind);
  });
});

describe('"can\'t you do it for me?"', () => {
  it('after an answer on something the visitor does themselves, says so and gives the steps again', async () => {
    const v = new Visitor(app, 'kpt', 'it');
    expect((await v.say('come si attiva il login in due passaggi?')).reply.sources[0]?.id).toBe('login-two-step-activate');
    const r = await v.say('e non potreste farlo voi direttamente?');
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.text.startsWith(t('it', 'chat:delegate.yours'))).toBe(true);
    expect(r.reply.sources[0]?.id).toBe('login-two-step-activate');
  });

  it('where a flow does the change, runs it: anonymous, it says where to sign in', async () => {
    const v = new Visitor(app, 'atupri', 'de');
    await v.say('Wie kann ich die Unfalldeckung ausschliessen?');
    const r = await v.say('kannst du das nicht selbst erledigen hier?');
    expect(r.reply.flow?.id).toBe('accident-cover');
    expect(fold(r.reply.text)).toMatch(/melden sie sich|anmeld|login/);
  });
});

describe('what a clause says of the conversation, beside what the message asks', () => {
  it('"I already tried all that" with a complaint inside a flow is "that does not help": people lead, not out of scope', async () => {
    const v = new Visitor(app, 'atupri', 'de');
    expect((await v.say('ich habe mein passwort vergessen')).reply.flow?.id).toBe('login-trouble');
    const r = await v.say('hab ich alles schon gemacht, funktioniert trotzdem nicht. echt mühsam mit euch');
    // Its steps were followed already: contact options lead.
    expect(r.reply.kind).toBe('escalate');
    expect(r.reply.text.startsWith(testApp.library().t('de', 'chat:unhelpful.people', { tenant: 'atupri' }))).toBe(true);
  });

  it('"it still does not work" beside venting or a wish for someone, after an answer: people lead', async () => {
    const v = new Visitor(app, 'kpt', 'it');
    expect((await v.say("il pdf nell'archivio resta bianco")).reply.kind).toBe('answer');
    const r = await v.say('ho provato tutto, non funziona lo stesso. uffa, mi serve una persona vera');
    expect(r.reply.kind).toBe('escalate');
  });

  it('a person asked for in a language is contact options, not only "let us go on in Italian"', async () => {
    const r = await new Visitor(app, 'kpt', 'it').say('potrei parlare con un operatore in italiano per piacere');
    expect(r.reply.kind).toBe('escalate');
    expect(r.lang).toBe('it');
  });
});

describe('how many, how long, when and which ask for a fact', () => {
  it('gets the answer, not the flow that acts on its subject', async () => {
    const r = await new Visitor(app, 'kpt', 'de').say('Wie viele Positionen stehen eigentlich auf so einer Codekarte?');
    expect(r.reply.kind).toBe('answer');
    expect(r.reply.sources[0]?.id).toBe('login-code-card');
  });
});

describe('program code pasted into the chat', () => {
  it('is out of scope, however many login words it holds; a phone number in brackets is not code', async () => {
    for (const message of ["const res = await fetch('/login', { method: 'POST' }); j'ai toujours 403 avec mon mot de passe", 'SELECT password FROM users WHERE login = 1 geht nicht']) {
      const r = await new Visitor(app, 'kpt', 'fr').say(message);
      expect(['answer', 'flow'], message).not.toContain(r.reply.kind);
    }
    const r = await new Visitor(app, 'kpt', 'de').say('Ich habe mein Passwort vergessen (Vertrag 1234 5678); bitte helfen');
    expect(r.reply.flow?.id).toBe('login-trouble');
  });
});

describe('another company named as the visitor\'s own circumstance', () => {
  it('"bin bei der Raiffeisen" beside an eBill question is context: the question is answered', async () => {
    const r = await new Visitor(app, 'kpt', 'de').say('Wie melde ich mich für eBill an? Ich bin bei der Raiffeisen.');
    expect(r.reply.sources[0]?.id).toBe('ebill-register');
  });

  it("another company's own service stays out of scope, however much it sounds like our login help", async () => {
    for (const [lang, message] of [['de', 'Raiffeisen E-Banking: Passwort vergessen'], ['fr', 'mot de passe wifi oublié, la box Swisscom redémarre pas'], ['de', 'ich komme nicht mehr ins mySwica, Passwort vergessen']] as const) {
      const r = await new Visitor(app, 'kpt', lang).say(message);
      expect(['answer', 'flow'], message).not.toContain(r.reply.kind);
    }
  });
});

describe('flows start where the message points and take what is typed', () => {
  it('"le code sms n\'arrive jamais" enters the login help at the code checks, without asking the problem again', async () => {
    const r = await new Visitor(app, 'kpt', 'fr').say("je n'arrive plus à me connecter, le code sms n'arrive jamais");
    expect(r.reply.flow).toEqual({ id: 'login-trouble', step: 'code-checks' });
  });

  it('a contract number typed in a sentence fills the field the flow asks for', async () => {
    const v = new Visitor(app, 'kpt', 'it');
    expect((await v.say('ho dimenticato la password')).reply.flow).toEqual({ id: 'login-trouble', step: 'password' });
    const sent = await v.say('il mio numero di contratto è KPT 1234 5678');
    expect(sent.reply.kind).toBe('flow');
    expect(sent.reply.flow).toEqual({ id: 'login-trouble', step: 'reset-sent' });
  });

  it('the label of an offered button, typed with a slip, presses it; "the second one" too', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    const problem = await v.say("je n'arrive pas à me connecter au CPTnet");
    const labels = problem.reply.choices.map((c) => c.label);
    const typed = labels[0]!.replace(/e/, 'é').toLowerCase();
    expect((await v.say(typed)).reply.flow?.step).toBe('password');
    await v.say('retour');
    expect((await v.say('le deuxième')).reply.flow?.step).toBe('code-checks');
  });

  it('a likely typo in an e-mail address is asked about with a one-click fix, and the field keeps going', async () => {
    const v = new Visitor(app, 'atupri', 'de');
    await v.say('Mein Aktivierungslink ist abgelaufen');
    const typo = await v.say('hans.muster@gmai.com');
    expect(typo.reply.flow?.step).toBe('activation');
    expect(typo.reply.choices.map((c) => c.label)).toContain('hans.muster@gmail.com');
    const fixed = await v.press('fill:suggested');
    expect(fixed.reply.flow?.step).toBe('activation-sent');
  });
});

describe('questions inside a flow, language switches, and back', () => {
  it('"merci, et en français svp, ça marche comment la carte de code ?" answers the code card in French', async () => {
    const v = new Visitor(app, 'kpt', 'it');
    expect((await v.say('non riesco ad accedere a KPTnet')).reply.flow?.id).toBe('login-trouble');
    const fr = await v.say('merci, et en français svp, ça marche comment la carte de code ?');
    expect(fr.lang).toBe('fr');
    expect(fr.reply.kind).toBe('answer');
    expect(fr.reply.sources[0]?.id).toBe('login-code-card');
    // The next short message keeps French.
    expect((await v.say('merci')).lang).toBe('fr');
  });

  it('out of scope in the middle of the registration, then "continuiamo" resumes at the step where it was', async () => {
    const v = new Visitor(app, 'atupri', 'it');
    await v.say('vorrei registrarmi su myAtupri');
    const age = await v.press('existing');
    expect(age.reply.flow?.step).toBe('age');
    const weather = await v.say('che tempo fa domani a Berna?');
    expect(weather.reply.kind).toBe('clarify');
    const back = await v.say('ok, continuiamo con la registrazione');
    expect(back.reply.flow).toEqual({ id: 'registration', step: 'age' });
  });

  it('a question typed inside a flow is logged for the editors like any question; a value typed into it is not', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    await v.say("j'ai oublié mon mot de passe");
    await v.say("qu'est-ce qu'une carte de code ?");
    await v.say('KPT12345678');
    const logged = (await testApp.store.questions('kpt', '2000-01-01T00:00:00.000Z')).map((q) => q.question);
    expect(logged).toContain("qu'est-ce qu'une carte de code ?");
    expect(logged.join(' ')).not.toContain('12345678');
  });
});

describe('closings', () => {
  it('a thanks and goodbye while a flow waits for a value closes, rather than being refused as the value', async () => {
    const v = new Visitor(app, 'atupri', 'de');
    expect((await v.say('Passwort vergessen, ich komme nicht mehr rein')).reply.flow?.step).toBe('password');
    const bye = await v.say('danke vielmal, das wärs. schönen abend');
    expect(bye.reply.kind).toBe('smalltalk');
  });

  it('thanks that report success or say what the visitor will do next close, while thanks with a question get its answer', async () => {
    const fr = new Visitor(app, 'kpt', 'fr');
    await fr.say("le pdf s'affiche tout blanc");
    expect((await fr.say('super merci, ça marche maintenant')).reply.kind).toBe('smalltalk');
    const de = new Visitor(app, 'kpt', 'de');
    await de.say('wie melde ich mich für eBill an?');
    expect((await de.say('danke, dann mach ich das gleich so')).reply.kind).toBe('smalltalk');
    const asks = new Visitor(app, 'kpt', 'de');
    await asks.say('wie melde ich mich für eBill an?');
    expect((await asks.say('danke, und wie lange dauert das')).reply.kind).not.toBe('smalltalk');
  });

  it('"thanks, that\'s all" after a follow-up closes without asking again', async () => {
    const v = new Visitor(app, 'kpt', 'de');
    await v.say('Was ist eine Codekarte?');
    const bye = await v.say('alles klar, merci vielmal, das wär es');
    expect(bye.reply.kind).toBe('smalltalk');
    const again = await v.say('danke');
    expect(again.reply.text).toBe(t('de', 'chat:smalltalk.goodbye'));
  });
  it('thanks in sentences without a question is a closing, not a question for a detail of the answer', async () => {
    const v = new Visitor(app, 'kpt', 'de');
    expect((await v.say('Wie drucke ich die Bescheinigung für die Steuern aus?')).reply.kind).toBe('answer');
    const bye = await v.say('super, vielen dank. das wäre alles.');
    expect(bye.reply.kind).toBe('smalltalk');
    expect(bye.reply.sources).toEqual([]);
  });
});
