/**
 * The first reply of a new conversation to one message, as a visitor would get it, without a trace: no
 * conversation is kept, nothing is logged for insights, no suggestion is counted and no account action
 * runs. For the editors' try page, which must not fill the insights with the editors' own questions.
 */
import { randomBytes } from 'node:crypto';
import type { ActionService } from '../actions/service.ts';
import type { Lang } from '../content/types.ts';
import type { Library } from '../library.ts';
import { handleTurn, type TurnOutcome } from './engine.ts';
import type { FlowDef } from './flow-types.ts';
import { emptyState, type Reply } from './state.ts';

export type Preview = {
  /** The language the reply is in: the page's, or the message's own when it is clearly another. */
  lang: Lang;
  reply: Reply;
  outcome: TurnOutcome;
};

/** Words a message needs before its own language overrides the page's (as the chat does). */
const SWITCH_WORDS = 4;

export async function previewReply(
  deps: { library: Library; flows: ReadonlyMap<string, FlowDef>; actions: ActionService; now: Date },
  tenant: string,
  pageLang: Lang,
  message: string,
): Promise<Preview | undefined> {
  const { library } = deps;
  const tc = library.content.tenants.get(tenant);
  if (!tc) return undefined;
  const detected = library.search.detectLanguage(message);
  const switched = detected?.confident && detected.lang !== pageLang && message.trim().split(/\s+/).length >= SWITCH_WORDS ? detected.lang : undefined;
  const lang = switched ?? pageLang;
  // Nothing done on an account from the try page: an action a flow would run is refused as for a
  // visitor who is not signed in, and a contact form is never sent.
  const actions: ActionService = { ...deps.actions, run: async () => ({ ok: false, reason: 'unauthorized', code: 'sign_in_required' }) };
  const result = await handleTurn(
    {
      search: library.search,
      understanding: library.understanding,
      flows: deps.flows,
      actions,
      t: (l, key, vars) => library.t(l, key, { tenant, ...vars }),
      now: deps.now,
      submitContact: async () => ({ ok: false }),
    },
    { conversationId: `preview-${randomBytes(6).toString('base64url')}`, tenant: tc, lang, state: emptyState(), subject: null },
    { message },
  );
  let reply = result.reply;
  if (switched) {
    const note = library.t(pageLang, 'chat:switched', { language: library.t(pageLang, `chat:languages.${switched}`) });
    reply = { ...reply, text: `${note}\n\n${reply.text}` };
  }
  return { lang, reply, outcome: result.outcome };
}
