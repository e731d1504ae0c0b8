/**
 * The existing FAQ entry closest to a question the assistant could not answer: the entry the
 * understanding model finds most likely among its top labels (a flow counts as the entry it acts on),
 * else the help page search's best hit. Where an editor would add the wording, or what to read before
 * writing a new entry.
 */
import type { Lang } from '../content/types.ts';
import { understandMessage } from '../evaluation/explain.ts';
import type { Library } from '../library.ts';

export type ClosestEntry = { id: string; question: string; file: string; /** The model's probability, when it found it. */ p?: number };

export function closestEntry(library: Library, tenant: string, lang: Lang, question: string): ClosestEntry | undefined {
  const tc = library.content.tenants.get(tenant);
  const model = library.understanding.tenants.get(tenant);
  if (!tc || !model) return undefined;
  const entryOf = (id: string) => tc.entries[lang].find((e) => e.id === id);
  const understood = understandMessage(library, tenant, lang, question, { keepLang: true });
  for (const top of understood?.explanation.top ?? []) {
    const [kind, rest = ''] = [top.label.split(':')[0], top.label.split(':').slice(1).join(':')];
    const id = kind === 'faq' ? rest : kind === 'flow' ? model.entryOf.get(rest.split('/')[0]!) : undefined;
    const entry = id ? entryOf(id) : undefined;
    if (entry) return { id: entry.id, question: entry.question, file: entry.file, p: top.p };
  }
  const hit = library.search.search(tenant, lang, question)[0];
  return hit ? { id: hit.entry.id, question: hit.entry.question, file: hit.entry.file } : undefined;
}
