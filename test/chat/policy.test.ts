/**
 * The dialogue policy alone: each kind of turn is one case, decided from the tracker, the event and a
 * stubbed understanding, without a trained model.
 */
import { describe, expect, it } from 'vitest';
import { nextMove, POLICY, type Event } from '../../src/chat/policy.ts';
import { emptyTracker, readTracker, type Tracker } from '../../src/chat/tracker.ts';
import type { Understood } from '../../src/chat/understand.ts';
import type { Decision } from '../../src/understanding/decide.ts';

const answer = (entry: string, p = 0.8): Decision => ({ kind: 'answer', entry, others: [], p });
const flow = (id: string, step?: string, entry?: string): Decision => ({ kind: 'flow', flow: id, ...(step ? { step } : {}), ...(entry ? { entry } : {}), p: 0.8 });
const oos = (p = 0.9): Decision => ({ kind: 'oos', p });

function understood(alone: Decision, more: Partial<Understood> = {}): Understood {
  return { alone, ownWords: 5, opensAsFollowUp: false, correction: false, newTopic: false, says: [], grounding: 'neutral', thanksOnly: false, besides: () => ({ kind: 'clarify', candidates: [] }), ...more };
}

const say = (text: string, more: Partial<Extract<Event, { type: 'message' }>> = {}): Event => ({ type: 'message', text, words: text.split(' ').length, ...more });

function tracker(more: Partial<Tracker> = {}): Tracker {
  return { ...emptyTracker(), ...more };
}

const inFlow = (id: string, step: string) => tracker({ flow: { id, step, data: {}, history: [], run: 1 }, topic: { entry: null, flow: id, category: null } });
const afterAnswer = (entry: string) => tracker({ topic: { entry, flow: null, category: 'login' } });

/** A move from an understanding that must not be asked for (the event alone decides). */
const notAsked = (): Understood => {
  throw new Error('understanding was asked');
};

describe('nextMove', () => {
  it('a pressed button is carried out; one no longer understood is named as old', () => {
    expect(nextMove(tracker(), { type: 'press', id: 'contact', action: { do: 'contact' } }, notAsked)).toEqual({ case: 'press', action: { do: 'contact' } });
    expect(nextMove(tracker(), { type: 'press', id: 'password' }, notAsked)).toEqual({ case: 'stale' });
  });

  it("typed details answer the flow's question without asking understanding", () => {
    const t = inFlow('login-trouble', 'password');
    expect(nextMove(t, say('the second one', { button: 'code' }), notAsked)).toEqual({ case: 'typed-choice', choice: 'code' });
    expect(nextMove(t, say('KPT 1234 5678', { slot: { ok: true, value: 'KPT12345678', looked: true } }), notAsked)).toEqual({ case: 'typed-detail', value: 'KPT12345678' });
    const typo = { value: 'jean@gmail.com', typed: 'jean@gmai.com' };
    expect(nextMove(t, say('jean@gmai.com', { slot: { ok: false, error: 'did you mean?', didYouMean: typo, looked: true } }), notAsked)).toEqual({
      case: 'mistyped-detail',
      error: 'did you mean?',
      didYouMean: typo,
    });
  });

  it('a short or value-shaped refusal is a mistyped value; a question is answered and the flow waits', () => {
    const t = inFlow('login-trouble', 'password');
    const refused = { ok: false as const, error: 'eight digits', looked: false };
    expect(nextMove(t, say('12', { slot: refused }), notAsked).case).toBe('mistyped-detail');
    expect(nextMove(t, say('mon numéro est 1234', { slot: { ...refused, looked: true } }), notAsked).case).toBe('mistyped-detail');
    expect(nextMove(t, say("qu'est-ce qu'une carte de code", { slot: refused }), () => understood(answer('login-code-card')))).toEqual({ case: 'detour', decision: answer('login-code-card') });
    expect(nextMove(t, say('quel temps fera-t-il demain', { slot: refused }), () => understood(oos()))).toEqual({ case: 'detour', decision: oos() });
  });

  it('inside a flow: its own subject names a step, a detail is read against the topic, a correction leaves it', () => {
    const t = inFlow('login-trouble', 'problem');
    expect(nextMove(t, say("le code n'arrive pas"), () => understood(flow('login-trouble', 'code-checks')))).toEqual({ case: 'jump', step: 'code-checks' });
    expect(nextMove(t, say("je n'ai pas de carte"), () => understood(flow('login-trouble', undefined, 'login-code-card')))).toEqual({
      case: 'detour',
      decision: { kind: 'answer', entry: 'login-code-card', others: [], p: 0.8 },
    });
    expect(nextMove(t, say('et ça dure combien de temps'), () => understood({ kind: 'detail' }, { inTopic: answer('login-sms-code') }))).toEqual({ case: 'detour', decision: answer('login-sms-code') });
    expect(nextMove(t, say('non, je voulais dire la franchise'), () => understood(flow('deductible-change'), { correction: true }))).toEqual({ case: 'correction', decision: flow('deductible-change') });
  });

  it('back to a paused flow, by its subject or by saying so; a fact of it is answered as asked', () => {
    const paused = tracker({ paused: { id: 'registration', step: 'email', data: {}, history: [], run: 1 } });
    expect(nextMove(paused, say('ok, on continue'), () => understood({ kind: 'act', act: 'resume' }))).toEqual({ case: 'resume' });
    expect(nextMove(paused, say("revenons à l'inscription"), () => understood(flow('registration')))).toEqual({ case: 'resume' });
    expect(nextMove(paused, say('mon lien a expiré'), () => understood(flow('registration', 'age')))).toEqual({ case: 'resume', step: 'age' });
    const fact: Decision = { kind: 'answer', entry: 'registration-requirements', others: [], p: 0.7, offer: { flow: 'registration' } };
    expect(nextMove(paused, say("il faut quoi pour s'inscrire"), () => understood(fact))).toEqual({ case: 'new-question', decision: fact });
  });

  it('a follow-up is read against the topic when it leans on it, and as a new question when it names its own subject', () => {
    const t = afterAnswer('login-code-card');
    const lost = answer('login-trouble');
    expect(nextMove(t, say('et si je la perds'), () => understood({ kind: 'detail' }, { inTopic: lost, ownWords: 1, opensAsFollowUp: true }))).toEqual({ case: 'follow-up', decision: lost });
    expect(nextMove(t, say('et sur Android'), () => understood(answer('documents-upload-app', 0.4), { inTopic: lost, ownWords: 1 }))).toEqual({ case: 'follow-up', decision: lost });
    // Enough words of its own: the message alone decides.
    const own = answer('documents-find');
    expect(nextMove(t, say('où est-ce que je trouve ma nouvelle police dans le portail'), () => understood(own, { inTopic: lost, ownWords: 6 }))).toEqual({ case: 'new-question', decision: own });
    // Out of scope stays out of scope unless it opens as a follow-up or uses a word of the answer...
    expect(nextMove(t, say('quel temps demain'), () => understood(oos(0.5), { inTopic: lost, ownWords: 2 }))).toEqual({ case: 'new-question', decision: oos(0.5) });
    expect(nextMove(t, say('il faut une carte Axsionics pour ça'), () => understood(oos(0.5), { inTopic: lost, ownWords: 4, grounding: 'shared' }))).toEqual({ case: 'follow-up', decision: lost });
    // ...and none of its words is strange to the topic.
    expect(nextMove(t, say('et le train pour Olten'), () => understood(oos(0.5), { inTopic: lost, ownWords: 3, opensAsFollowUp: true, grounding: 'strange' }))).toEqual({ case: 'new-question', decision: oos(0.5) });
  });

  it('"can you do it for me?" is about the topic or the open flow; without either it is not understood', () => {
    const delegate = (): Understood => understood({ kind: 'act', act: 'delegate' });
    expect(nextMove(afterAnswer('login-two-step-activate'), say('vous pouvez le faire pour moi ?'), delegate)).toEqual({ case: 'delegate' });
    expect(nextMove(inFlow('deductible-change', 'amount'), say('vous pouvez le faire pour moi ?'), delegate)).toEqual({ case: 'delegate' });
    expect(nextMove(tracker(), say('vous pouvez le faire pour moi ?'), delegate)).toEqual({ case: 'new-question', decision: { kind: 'clarify', candidates: [] } });
  });

  it('thanks that ask nothing close, whatever else the words looked like', () => {
    const t = afterAnswer('ebill-register');
    expect(nextMove(t, say('danke, dann mach ich das'), () => understood({ kind: 'act', act: 'delegate' }, { thanksOnly: true }))).toEqual({ case: 'closing', intent: 'thanks' });
    expect(nextMove(t, say('merci ça marche'), () => understood({ kind: 'detail' }, { thanksOnly: true, inTopic: answer('ebill-register') }))).toEqual({ case: 'closing', intent: 'thanks' });
    // Thanks, then another subject: the subject is answered.
    const other = answer('documents-find');
    expect(nextMove(t, say('merci, où sont mes documents'), () => understood(other, { thanksOnly: true }))).toEqual({ case: 'new-question', decision: other });
  });

  it('a correction that names another subject unsurely means what it says besides the topic', () => {
    const t = afterAnswer('online-leave-date');
    const unsure = answer('login-trouble', 0.35);
    const sibling = answer('online-join-date', 0.5);
    expect(nextMove(t, say('nein, umgekehrt: ab wann kann ich eintreten'), () => understood(unsure, { correction: true, besides: () => sibling }))).toEqual({ case: 'correction', decision: sibling });
    const clear = answer('documents-find', 0.8);
    expect(nextMove(t, say('nein, ich meinte wo meine Police ist'), () => understood(clear, { correction: true, besides: () => sibling }))).toEqual({ case: 'correction', decision: clear });
  });

  it('a correction after a question for a fact asks the same of the other subject: its answer, with its flow offered', () => {
    const t = tracker({ topic: { entry: 'discount-loyalty', flow: null, category: 'discounts' }, lastReply: { kind: 'answer', text: '', choices: [], sources: [], flow: null } as unknown as Tracker['lastReply'] });
    const flowOnIt: Decision = { kind: 'flow', flow: 'online-insurance-join', entry: 'discount-online', p: 0.7 };
    expect(nextMove(t, say('nein, ich meinte den Online-Rabatt'), () => understood({ kind: 'clarify', candidates: [] }, { correction: true, besides: () => flowOnIt }))).toEqual({
      case: 'correction',
      decision: { kind: 'answer', entry: 'discount-online', others: [], p: 0.7, offer: { flow: 'online-insurance-join' } },
    });
  });

  it('a correction of a detail in words of the answer keeps the subject', () => {
    const t = tracker({ topic: { entry: 'coverage-deductible', flow: 'deductible-change', category: null } });
    const same: Decision = { kind: 'flow', flow: 'deductible-change', entry: 'coverage-deductible', p: 0.6 };
    expect(nextMove(t, say('non, je voulais dire la baisser'), () => understood(oos(0.3), { correction: true, inTopic: same, grounding: 'shared' }))).toEqual({ case: 'follow-up', decision: same });
  });

  it('a correction leaves out what was understood', () => {
    const instead = answer('documents-find');
    const t = afterAnswer('tax-certificate');
    expect(nextMove(t, say("non, je voulais dire la police, pas l'attestation"), () => understood(answer('tax-certificate'), { correction: true, besides: () => instead }))).toEqual({
      case: 'correction',
      decision: instead,
    });
  });

  it('thanks after thanks closes; "that does not help" twice leads with people', () => {
    const thanked = tracker({ lastReply: { kind: 'smalltalk', text: 'Avec plaisir !', sources: [], choices: [], flow: null } });
    expect(nextMove(tracker(), say('merci'), () => understood({ kind: 'smalltalk', intent: 'thanks' }))).toEqual({ case: 'closing', intent: 'thanks' });
    expect(nextMove(thanked, say('merci'), () => understood({ kind: 'smalltalk', intent: 'thanks' }))).toEqual({ case: 'closing', intent: 'goodbye' });
    const unhelpful = () => understood({ kind: 'act', act: 'unhelpful' });
    expect(nextMove(afterAnswer('login-sms-code'), say("ça m'aide pas"), unhelpful)).toEqual({ case: 'frustration' });
    expect(nextMove(tracker({ unhelpful: POLICY.unhelpfulTurns - 1 }), say("ça m'aide toujours pas"), unhelpful)).toEqual({ case: 'give-up', saidUnhelpful: true });
    // Inside a flow, whose steps the visitor has followed already, at once.
    expect(nextMove(inFlow('login-trouble', 'password'), say("j'ai déjà tout essayé, rien ne marche"), unhelpful)).toEqual({ case: 'give-up', saidUnhelpful: true });
    expect(nextMove(tracker({ unhelpful: POLICY.unhelpfulTurns - 1 }), say('asdf'), () => understood({ kind: 'clarify', candidates: [] }))).toEqual({ case: 'give-up' });
  });

  it('"in French, please" alone shows the open step again, or says what can be done', () => {
    const language = () => understood({ kind: 'act', act: 'language' });
    expect(nextMove(inFlow('contact', 'email'), say('en français svp'), language)).toEqual({ case: 'jump', step: 'email' });
    expect(nextMove(tracker(), say('en français svp'), language)).toEqual({ case: 'language' });
  });
});

describe('readTracker', () => {
  it('migrates a state stored before the dialogue policy: misses become unhelpful turns, the last entry the topic', () => {
    const old = { flow: null, paused: null, offered: { contact: { do: 'contact' } }, misses: 1, runs: 2, lastEntry: 'login-code-card', subject: null };
    const t = readTracker(old);
    expect(t).toMatchObject({ v: 2, unhelpful: 1, runs: 2, topic: { entry: 'login-code-card', flow: null, category: null }, offered: { contact: { do: 'contact' } } });
    expect(t).not.toHaveProperty('misses');
  });

  it('starts afresh from a state it cannot read', () => {
    expect(readTracker('nonsense')).toEqual(emptyTracker());
    expect(readTracker({ flow: 'not a flow' })).toEqual(emptyTracker());
  });
});
