import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, choiceIds, Visitor } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const { app } = testApp;
const t = (key: string, vars?: Record<string, unknown>) => testApp.library().t('fr', key, vars);

/** myAtupri registration, up to the e-mail step. */
async function registrationAtEmail() {
  const v = new Visitor(app, 'atupri', 'fr');
  await v.say('créer un compte myAtupri');
  await v.press('existing');
  await v.press('adult');
  const r = await v.say('756123456');
  expect(r.reply.flow?.step).toBe('email');
  return v;
}

describe('back', () => {
  it('returns step by step, and is not offered on the first step', async () => {
    const v = await registrationAtEmail();
    expect(choiceIds(v.last!)).toEqual(['back', 'cancel']);
    const number = await v.press('back');
    expect(number.reply.flow).toEqual({ id: 'registration', step: 'insured-number' });
    const age = await v.press('back');
    expect(age.reply.flow?.step).toBe('age');
    const situation = await v.press('back');
    expect(situation.reply.flow?.step).toBe('situation');
    expect(choiceIds(situation)).not.toContain('back');
    expect(choiceIds(situation)).toContain('cancel');
  });

  it('lets the visitor take another way after going back', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    await v.say('créer un compte myAtupri');
    await v.press('existing');
    await v.press('back');
    const r = await v.press('activation');
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'activation' });
  });
});

describe('cancel', () => {
  it('leaves the flow, and what is typed next is no longer taken as the step input', async () => {
    const v = await registrationAtEmail();
    const r = await v.press('cancel');
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'cancelled' });
    expect(r.reply.text).toBe(t('chat:cancelled'));
    expect(choiceIds(r)).toEqual(['contact']);
    const next = await v.say('anna.muster@example.ch');
    expect(next.reply.flow?.step).not.toBe('mobile');
    expect(await testApp.store.listActions('atupri', 100)).toEqual([]);
  });

  it('offers people after cancelling', async () => {
    const v = await registrationAtEmail();
    await v.press('cancel');
    const r = await v.press('contact');
    expect(r.reply.kind).toBe('escalate');
  });
});

describe('a stale choice', () => {
  it('inside a flow: says so and shows the current step again', async () => {
    const v = new Visitor(app, 'atupri', 'fr');
    await v.say('créer un compte myAtupri');
    const age = await v.press('existing');
    // "new-client" was a button of the previous reply
    const r = await v.send('new-client');
    expect(r.reply.kind).toBe('flow');
    expect(r.reply.flow).toEqual({ id: 'registration', step: 'age' });
    expect(r.reply.text).toBe(`${t('chat:stale')}\n\n${age.reply.text}`);
    expect(choiceIds(r)).toEqual(choiceIds(age));
  });

  it('outside a flow: says so and offers people', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    await v.say("je n'arrive pas à me connecter au CPTnet");
    await v.press('other');
    const r = await v.send('password');
    expect(r.reply.kind).toBe('clarify');
    expect(r.reply.text).toBe(t('chat:stale'));
    expect(choiceIds(r)).toEqual(['contact']);
  });

  it('in a new conversation: an unknown choice id is stale, not an error', async () => {
    const r = await new Visitor(app, 'kpt', 'fr').send('confirm');
    expect(r.reply.kind).toBe('clarify');
    expect(r.reply.text).toBe(t('chat:stale'));
  });
});

describe('a question in between', () => {
  it('answers an FAQ question asked during a flow and resumes at the same step', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    const email = await v.say('Marie Exemple');
    expect(email.reply.flow?.step).toBe('email');

    const answer = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(answer.reply.kind).toBe('answer');
    expect(answer.reply.sources[0]!.id).toBe('login-code-card');
    expect(answer.reply.choices).toContainEqual({ id: 'resume', label: t('chat:choices.resume', { flow: t('flows:contact.title') }) });

    const resumed = await v.press('resume');
    expect(resumed.reply.kind).toBe('flow');
    expect(resumed.reply.flow).toEqual({ id: 'contact', step: 'email' });
    expect(resumed.reply.text).toBe(`${t('chat:resumed')}\n\n${email.reply.text}`);
    expect(resumed.reply.input).toEqual({ kind: 'email' });

    // what was typed before the question is still there
    await v.say('marie.exemple@example.ch');
    await v.press('skip');
    await v.press('topic-other');
    const confirm = await v.say('Une question sur la carte de code.');
    expect(confirm.reply.text).toContain('Nom\u00a0: Marie Exemple');
  });

  it('offers to resume a flow left at a choice step, with the step choices back', async () => {
    const v = new Visitor(app, 'kpt', 'fr');
    const problem = await v.say("je n'arrive pas à me connecter au CPTnet");
    const answer = await v.say("Qu'est-ce qu'une carte de code ?");
    expect(answer.reply.kind).toBe('answer');
    expect(choiceIds(answer)).toContain('resume');
    const resumed = await v.press('resume');
    expect(resumed.reply.flow).toEqual({ id: 'login-trouble', step: 'problem' });
    expect(choiceIds(resumed)).toEqual(choiceIds(problem));
    const password = await v.press('password');
    expect(password.reply.flow?.step).toBe('password');
  });

  it('keeps offering to resume after small talk', async () => {
    const v = await registrationAtEmail();
    await v.say("Qu'est-ce que myAtupri ?");
    const thanks = await v.say('merci');
    expect(thanks.reply.kind).toBe('smalltalk');
    expect(choiceIds(thanks)).toContain('resume');
    const resumed = await v.press('resume');
    expect(resumed.reply.flow).toEqual({ id: 'registration', step: 'email' });
  });
});
