/** The services of a turn, made from the library that serves (content, strings, learned models). */
import type { Library } from '../library.ts';
import type { TenantContent } from '../content/types.ts';
import { fromModels } from './understand.ts';
import type { ChatDeps } from './turn.ts';

export function turnDeps(library: Library, tc: TenantContent, o: Pick<ChatDeps, 'flows' | 'actions' | 'now' | 'submitContact'>): ChatDeps {
  const tenant = tc.tenant.id;
  const model = library.understanding.tenants.get(tenant);
  return {
    ...o,
    understand: model ? fromModels(library.understanding, model, tc, library.content.intents) : () => ({ alone: { kind: 'clarify', candidates: [] }, ownWords: 0, opensAsFollowUp: false, correction: false, newTopic: false, says: [], grounding: 'neutral', thanksOnly: false, besides: () => ({ kind: 'clarify', candidates: [] }) }),
    // Every text of the turn speaks of this tenant: its portal, team and what its assistant offers.
    t: (l, key, vars) => library.t(l, key, { tenant, ...vars }),
    handlerOf: (entry) => model?.handlerOf.get(entry),
    entryOf: (flow) => model?.entryOf.get(flow),
    dialogue: library.content.intents,
  };
}
