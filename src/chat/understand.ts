/**
 * Understanding as the dialogue policy sees it: a port that takes the message and the conversation's
 * context and says what the message means alone, what it means as a follow-up of the topic, and how it
 * leans on what came before. `fromModels` is the real one, over the learned models; policy tests pass
 * their own.
 */
import type { ActName, Intents, Lang, TenantContent } from '../content/types.ts';
import { fold, words } from '../search/fold.ts';
import { stemmers } from '../search/stemmers.ts';
import { questionWords } from '../search/stopwords.ts';
import { contentWords, decide, DECISION, type Decision } from '../understanding/decide.ts';
import type { Label, TenantModel, Understanding } from '../understanding/model.ts';
import { mostlyStrange } from '../understanding/vocabulary.ts';
import type { Topic } from './tracker.ts';

export type TurnContext = { lang: Lang; topic: Topic | null; /** The topic before the last one. */ earlier?: Topic | null };

export type Understood = {
  /** The message alone, as the first message of a conversation would be read. */
  alone: Decision;
  /**
   * The message read as a follow-up of the topic ("et si je la perds ?" after the code card): only
   * when it lands on a subject the topic leads to (its entry, the entries related to it or in its
   * category, its flow). Absent without a topic, or when it leads elsewhere.
   */
  inTopic?: Decision;
  /** How many words of its own the message has (no stop words, no insurer names). */
  ownWords: number;
  /** It opens the way a follow-up does ("et", "und wenn", "e invece"). */
  opensAsFollowUp: boolean;
  /** The visitor corrects what the last reply understood ("non, je voulais dire…", "nein, ich meine"). */
  correction: boolean;
  /** It opens with thanks and asks nothing: no question mark, no question word ("super merci, ça marche"). */
  thanksOnly: boolean;
  /** The visitor says the message is about something else ("autre question", "kurz was anderes"): no follow-up. */
  newTopic: boolean;
  /** What clauses of the message said of the conversation beside what it asks ("ok, zurück zum Thema: …"). */
  says: ActName[];
  /** The message alone with the topic left out: what a correction meant instead. */
  besides(): Decision;
  /**
   * How the message's own words stand to the topic's entry (and the entry read in the topic): `shared`
   * when one of them is a word of that entry that few of our texts use ("PostFinance" after the e-bill
   * answer), `strange` when it has words of its own and none is the entry's ("Zug", "Olten", "Luzern"
   * after the documents answer), `neutral` otherwise (no words of its own, or only common ones).
   */
  grounding: 'shared' | 'strange' | 'neutral';
};

export type Understand = (message: string, context: TurnContext) => Understood;

/** Whether one of the phrases is said in the folded words: a one-word phrase only as the first word. */
export function says(ws: readonly string[], phrases: readonly string[], { oneWordAnywhere = false } = {}): boolean {
  const joined = ` ${ws.join(' ')} `;
  return phrases.some((p) => {
    const pw = words(fold(p));
    if (pw.length === 0) return false;
    if (pw.length === 1 && !oneWordAnywhere) return ws[0] === pw[0];
    return joined.includes(` ${pw.join(' ')} `);
  });
}

export function fromModels(understanding: Understanding, model: TenantModel, tc: TenantContent, intents: Intents): Understand {
  return (message, context) => {
    const { lang } = context;
    const ws = words(fold(message));
    const opensAsFollowUp = says(afterAssent(ws, intents[lang].affirm), intents[lang].followUp);
    const read = decide(understanding, model, lang, message);
    const alone = read.decision;
    // "Zurück zum Wechsel, ab wann geht das?" after a question in between: the topic before it.
    const topic = read.said.includes('resume') && context.earlier ? context.earlier : context.topic;
    const near = topic ? neighbourhood(model, tc, lang, topic) : undefined;
    const newTopic = says(ws, intents[lang].newTopic, { oneWordAnywhere: true });
    let inTopic: Decision | undefined;
    // Out of scope, and clearly so or in words none of our subjects uses ("und wie wird das Wetter am
    // Wochenende?"), a message is not read as a follow-up of the topic's question.
    // A word the topic's answer used itself ("et il faut un compte PostFinance ?") keeps it in view.
    const mine = contentWords(model, message);
    const own = mine.filter((w) => !understanding.generic[lang].has(w));
    const topicEntry = topic ? entryText(tc, lang, topic.entry) : undefined;
    const sharedWith = (text: string | undefined) => (text ? sharing(tc, lang, own, text, model) : 'none');
    const onTopic = sharedWith(topicEntry);
    // A question for a detail in words none of our texts knows ("und wann fährt der Bus nach Bern?") is
    // not one about the topic either.
    // Read only when needed: the vocabulary's typo-tolerant lookup is the dearest part of a turn's reading.
    const strangeWords = () => mostlyStrange(model.vocabulary(message));
    const elsewhere =
      (alone.kind === 'oos' && onTopic !== 'distinctive' && (alone.p >= CLEARLY_ELSEWHERE || strangeWords())) ||
      (alone.kind === 'detail' && onTopic === 'none' && strangeWords());
    // Gibberish leans on nothing: a message mostly unknown to the model is not read against the topic.
    if (topic && near && !newTopic && !elsewhere && model.classifier.known(model.features(message, lang)) >= DECISION.knownForDetail) {
      const prior = { prior: topicPrior(near) };
      // The message as it is, its topic's subjects likelier: "et sur l'ordinateur, quels formats ?"
      // names its own subject, which the topic only helps to pick among its neighbours.
      const withPrior = () => decide(understanding, model, lang, message, prior).decision;
      // A message that names no subject ("et ça reste valable combien de temps ?") is read with the
      // topic's question before it, as if the visitor had asked both at once; its closing mark dropped
      // so that the two read as one sentence. Not for a message clearly about something else.
      const lead = topicQuestion(tc, lang, topic);
      const joined = () =>
        lead ? decide(understanding, model, lang, `${lead.replace(/[?？!.\s]+$/u, '')} ${message}`, prior).decision : undefined;
      // A question for a detail names nothing of its own: the topic's question first.
      const namesNothing = alone.kind === 'detail' || own.length === 0;
      for (const read of namesNothing ? [joined, withPrior] : [withPrior, joined]) {
        const d = read();
        if (d && isNear(d, near)) {
          inTopic = d;
          break;
        }
      }
    }
    const inTopicEntry = inTopic?.kind === 'answer' && inTopic.entry !== topic?.entry ? sharedWith(entryText(tc, lang, inTopic.entry)) : 'none';
    const shares = [onTopic, inTopicEntry];
    const grounding = shares.includes('distinctive') ? 'shared' : own.length > 0 && shares.every((x) => x === 'none') ? 'strange' : 'neutral';
    const asks = message.includes('?') || ws.some((w) => questionWords.has(w));
    return {
      alone,
      ...(inTopic ? { inTopic } : {}),
      grounding,
      thanksOnly: !asks && opensWith(ws, intents[lang].thanks),
      ownWords: mine.length,
      opensAsFollowUp,
      correction: says(ws, intents[lang].correction),
      newTopic,
      says: read.said,
      // What a correction meant is most often a neighbour of what was understood ("umgekehrt: eintreten"
      // after leaving): the topic left out, its neighbours likelier.
      besides: () => decide(understanding, model, lang, message, { exclude: topic ?? {}, ...(near ? { prior: topicPrior(near) } : {}) }).decision,
    };
  };
}

/** One of the phrases is said in the first words ("super danke, dann mach ich das", "perfekt, merci"). */
function opensWith(ws: readonly string[], phrases: readonly string[]): boolean {
  const head = ` ${ws.slice(0, 4).join(' ')} `;
  return phrases.some((p) => {
    const pw = words(fold(p));
    return pw.length > 0 && head.includes(` ${pw.join(' ')} `);
  });
}

/** The words after a leading "ok", "d'accord", "ja gut": "ok et ce lien ?" opens as "et ce lien ?" does. */
function afterAssent(ws: readonly string[], affirm: readonly string[]): readonly string[] {
  const lead = affirm.map((p) => words(fold(p))).filter((pw) => pw.length > 0 && pw.every((w, i) => ws[i] === w)).sort((a, b) => b.length - a.length)[0];
  return lead ? ws.slice(lead.length) : ws;
}

/** An entry's question and answer. */
function entryText(tc: TenantContent, lang: Lang, id: string | null): string | undefined {
  const e = id ? tc.entries[lang].find((x) => x.id === id) : undefined;
  return e && `${e.question} ${e.text}`;
}

/**
 * Which of the words (folded) an entry's text uses too, compared by stem: `distinctive` if one of them is
 * used by few of the tenant's entries ("PostFinance"), `common` if only widely used ones are ("Dokumente"),
 * `none` otherwise.
 */
function sharing(tc: TenantContent, lang: Lang, own: readonly string[], text: string, model: TenantModel): 'distinctive' | 'common' | 'none' {
  const stem = stemmers[lang];
  // Content words on both sides: "nächste" and "nach" share a stem, not a subject.
  const theirs = stemsOf(tc, lang, text, () => contentWords(model, text).map(stem));
  const shared = own.map(stem).filter((w) => theirs.has(w) && !/^\d+$/.test(w));
  if (shared.length === 0) return 'none';
  const used = entriesUsing(tc, lang);
  return shared.some((w) => (used.get(w) ?? 0) <= DISTINCTIVE_IN) ? 'distinctive' : 'common';
}

/** The content words' stems of an entry's text, worked out once per content (its texts are few). */
const entryStems = new WeakMap<TenantContent, Map<string, Set<string>>>();
function stemsOf(tc: TenantContent, lang: Lang, text: string, of: () => string[]): Set<string> {
  const byText = entryStems.get(tc) ?? new Map<string, Set<string>>();
  entryStems.set(tc, byText);
  const key = `${lang}\n${text}`;
  let stems = byText.get(key);
  if (!stems) byText.set(key, (stems = new Set(of())));
  return stems;
}

/** A word in this many of a tenant's entries at most says which one is meant. */
const DISTINCTIVE_IN = 2;

/** How many of the tenant's entries use each stem, per language (built once per content). */
const usage = new WeakMap<TenantContent, Partial<Record<Lang, Map<string, number>>>>();
function entriesUsing(tc: TenantContent, lang: Lang): Map<string, number> {
  const byLang = usage.get(tc) ?? {};
  usage.set(tc, byLang);
  let used = byLang[lang];
  if (!used) {
    used = new Map();
    for (const e of tc.entries[lang]) for (const w of new Set(words(fold(`${e.question} ${e.text}`)).map(stemmers[lang]))) used.set(w, (used.get(w) ?? 0) + 1);
    byLang[lang] = used;
  }
  return used;
}

/** Out of scope this surely, a message is not read as a follow-up of the topic's question. */
const CLEARLY_ELSEWHERE = 0.6;

/** The question of the topic's entry. */
function topicQuestion(tc: TenantContent, lang: Lang, topic: Topic): string | undefined {
  return topic.entry ? tc.entries[lang].find((e) => e.id === topic.entry)?.question : undefined;
}

type Near = { entries: Set<string>; flows: Set<string>; related: Set<string>; own: Set<string> };

/**
 * How much likelier a subject is after an answer on the topic, by how close it is to it: a follow-up is
 * most often about the same entry or flow, then about an entry the answer links to, then its category.
 * Subjects elsewhere keep their weight, so a message that clearly asks something else still does.
 */
const TOPIC_PRIOR = { own: 4, related: 3, category: 2, elsewhere: 1 } as const;

const topicPrior = (near: Near) => (l: Label) => TOPIC_PRIOR[nearness(l, near)];

function nearness(l: Label, near: Near): keyof typeof TOPIC_PRIOR {
  if (l.kind === 'faq') return near.own.has(l.id) ? 'own' : near.related.has(l.id) ? 'related' : near.entries.has(l.id) ? 'category' : 'elsewhere';
  if (l.kind === 'flow') return near.flows.has(l.flow) ? 'own' : 'elsewhere';
  return 'elsewhere';
}

/** The subjects a topic leads to: its entry, the entries related to it and in its category, its flow's. */
function neighbourhood(model: TenantModel, tc: TenantContent, lang: Lang, topic: Topic): Near {
  const near: Near = { entries: new Set(), flows: new Set(), related: new Set(), own: new Set() };
  const entry = topic.entry ? tc.entries[lang].find((e) => e.id === topic.entry) : undefined;
  const category = entry?.category ?? topic.category;
  const flow = topic.flow ?? (topic.entry ? model.handlerOf.get(topic.entry)?.flow : undefined);
  if (entry) {
    near.own.add(entry.id);
    for (const id of entry.related) near.related.add(id);
  }
  if (flow) {
    near.flows.add(flow);
    const main = model.entryOf.get(flow);
    if (main) near.own.add(main);
    for (const [id, h] of model.handlerOf) if (h.flow === flow) near.related.add(id);
  }
  for (const e of tc.entries[lang]) if (category && e.category === category) near.entries.add(e.id);
  for (const id of [...near.own, ...near.related]) near.entries.add(id);
  return near;
}

function isNear(d: Decision, near: Near): boolean {
  if (d.kind === 'answer') return near.entries.has(d.entry) || (d.offer !== undefined && near.flows.has(d.offer.flow));
  if (d.kind === 'flow') return near.flows.has(d.flow) || (d.entry !== undefined && near.entries.has(d.entry));
  return false;
}
