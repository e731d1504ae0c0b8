/**
 * The first reply of a new conversation to one message, as a visitor would get it, without a trace: no
 * conversation is kept, nothing is logged for insights, no suggestion is counted and no account action
 * runs. For the editors' try page, which must not fill the insights with the editors' own questions.
 */
import { randomBytes } from 'node:crypto';
import type { ActionService } from '../actions/service.ts';
import type { Lang } from '../content/types.ts';
import type { Library } from '../library.ts';
import { turnDeps } from './deps.ts';
import { handleTurn, type TurnOutcome } from './engine.ts';
import type { FlowDef } from './flow-types.ts';
import { chooseLanguage } from './language.ts';
import { withLanguageNote } from './language-note.ts';
import type { Reply } from './reply.ts';
import { emptyTracker } from './tracker.ts';

export type Preview = {
  /** The language the reply is in: the page's, or the message's own when it is clearly another (the chat's rule). */
  lang: Lang;
  reply: Reply;
  outcome: TurnOutcome;
};

export async function previewReply(
  deps: { library: Library; flows: ReadonlyMap<string, FlowDef>; actions: ActionService; now: Date },
  tenant: string,
  pageLang: Lang,
  message: string,
): Promise<Preview | undefined> {
  const { library } = deps;
  const tc = library.content.tenants.get(tenant);
  if (!tc) return undefined;
  const { lang, switched } = chooseLanguage({
    detected: library.search.detectLanguage(message),
    words: message.trim().split(/\s+/).filter(Boolean).length,
    pageLang,
    tenantDefault: tc.tenant.defaultLanguage,
  });
  // Nothing done on an account from the try page: an action a flow would run is refused as for a
  // visitor who is not signed in, and a contact form is never sent.
  const actions: ActionService = { ...deps.actions, run: async () => ({ ok: false, reason: 'unauthorized', code: 'sign_in_required' }) };
  const result = await handleTurn(
    turnDeps(library, tc, { flows: deps.flows, actions, now: deps.now, submitContact: async () => ({ ok: false }) }),
    { conversationId: `preview-${randomBytes(6).toString('base64url')}`, tenant: tc, lang, tracker: emptyTracker(), subject: null },
    { message },
  );
  const reply = switched ? { ...result.reply, text: withLanguageNote(library.t, pageLang, lang, result.reply.text) } : result.reply;
  return { lang, reply, outcome: result.outcome };
}
