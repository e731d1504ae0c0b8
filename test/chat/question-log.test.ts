import { afterAll, describe, expect, it } from 'vitest';
import { buildChatApp, Visitor } from '../helpers/chat.ts';

const testApp = buildChatApp();
afterAll(() => testApp.dispose());
const questions = async (tenant: string) => await testApp.store.questions(tenant, '2000-01-01T00:00:00Z');

describe('the question log of the chat', () => {
  it('keeps questions without the personal data in them', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    await v.say("Je m'appelle Marie Exemple, mon numéro est KPT12345678, écrivez-moi à marie@example.ch");
    const logged = (await questions('kpt')).at(-1)!;
    expect(logged.question).not.toMatch(/Marie|Exemple|KPT12345678|marie@example\.ch/);
    expect(logged.question).toContain('[contract]');
    expect(logged.question).toContain('[email]');
    expect(logged.source).toBe('chat');
  });

  it('logs what the question led to', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    await v.say("Qu'est-ce qu'une carte de code ?");
    expect((await questions('kpt')).at(-1)).toMatchObject({ outcome: 'answer', entryId: 'login-code-card', lang: 'fr' });
    // Refused as not a subject of ours: logged apart from what was not understood (a content gap).
    await v.say('Quelle est la météo demain ?');
    expect((await questions('kpt')).at(-1)).toMatchObject({ outcome: 'out_of_scope', entryId: null });
  });

  it('does not log what is typed into a form field of a flow', async () => {
    const v = new Visitor(testApp.app, 'kpt', 'fr');
    await v.say("je veux parler à quelqu'un");
    await v.press('contact-form');
    const before = (await questions('kpt')).length;
    await v.say('Marie Exemple');
    await v.say('marie.exemple@example.ch');
    expect((await questions('kpt')).length).toBe(before);
    expect((await questions('kpt')).some((q) => q.question.includes('Exemple'))).toBe(false);
  });
});
