/** Precomputed phrasings for understanding messages: FAQ questions and alternates, flow triggers, intents. */
import { LANGS, type Content, type IntentName, type Lang } from '../content/types.ts';
import type { Analyzer } from '../search/analyzer.ts';
import { fold } from '../search/fold.ts';
import type { SearchService } from '../search/service.ts';

export type Phrasing<T> = { value: T; terms: string[] };

export type LangModel = {
  analyzer: Analyzer;
  /** Entry id → concept terms of its question and each alternate. */
  phrasings: Map<string, string[][]>;
  triggers: Phrasing<{ flow: string; step?: string }>[];
  intents: Record<IntentName, Phrasing<IntentName>[]>;
  /** A greeting at the start of a message ("Bonjour, …", "Grüezi, …"), folded: not part of the question. */
  greeting: RegExp;
};

export type ChatModel = { get(tenant: string, lang: Lang): LangModel | undefined };

export function buildChatModel(content: Content, search: SearchService): ChatModel {
  const models = new Map<string, LangModel>();
  for (const [tenantId, tc] of content.tenants) {
    const indexes = search.indexes(tenantId)!;
    for (const lang of LANGS) {
      const analyzer = indexes[lang].analyzer;
      const concepts = (s: string) => analyzer.concepts(s);
      const phrasings = new Map(tc.entries[lang].map((e) => [e.id, [e.question, ...e.alternates].map(concepts)]));
      // A trigger key is a flow id, or "flow/step" to start the flow at a given step.
      const triggers = Object.entries(tc.triggers[lang]).flatMap(([key, phrases]) => {
        const [flow, step] = key.split('/') as [string, string | undefined];
        return phrases.map((p) => ({ value: step ? { flow, step } : { flow }, terms: concepts(p) }));
      });
      const intents = Object.fromEntries(
        (Object.keys(content.intents[lang]) as IntentName[]).map((name) => [
          name,
          content.intents[lang][name].map((p) => ({ value: name, terms: concepts(p) })),
        ]),
      ) as Record<IntentName, Phrasing<IntentName>[]>;
      const greetings = content.intents[lang].greeting.map((g) => fold(g).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
      const greeting = new RegExp(`^(?:${greetings.join('|') || '(?!)'})(?![\\p{L}\\p{N}])[\\s,;:.!]*`, 'u');
      models.set(`${tenantId}/${lang}`, { analyzer, phrasings, triggers, intents, greeting });
    }
  }
  return { get: (tenant, lang) => models.get(`${tenant}/${lang}`) };
}
