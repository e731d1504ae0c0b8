/**
 * The understanding model of one tenant, learned from its content at load: a classifier over every
 * label a message can have (each FAQ entry, each flow trigger, a person, small talk, out of scope) and a
 * second and third one that tell how the visitor asks: a wish to act or a question for a fact, and
 * whether the visitor asks for advice on which option suits them. One model serves the three languages:
 * entries share their ids across languages, so a phrasing in any of them teaches the same label, and a
 * message that mixes languages or is too short to detect still finds its label.
 */
import { offers, type FlowDef } from '../chat/flow-types.ts';
import { ACT_NAMES, LANGS, type ActName, type Content, type Lang, type TenantContent } from '../content/types.ts';
import type { SearchService } from '../search/service.ts';
import type { Analyzer } from '../search/analyzer.ts';
import { fold, words } from '../search/fold.ts';
import { stopwords } from '../search/stopwords.ts';
import { random, withTypo, wrapped } from './augment.ts';
import { featureHash, featureIds, featuresOf, wordFeatureIds } from './features.ts';
import { buildVocabulary, commonWordsOf, wordsOf, type Read, type Vocabulary } from './vocabulary.ts';
import { trainSoftmax, type SoftmaxModel, type TrainingExample } from './softmax.ts';

export type Label =
  | { kind: 'faq'; id: string }
  | { kind: 'flow'; flow: string; step?: string }
  | { kind: 'contact' }
  | { kind: 'smalltalk'; intent: 'greeting' | 'thanks' | 'goodbye' }
  /** Said about the conversation itself: "that does not help", "back to my question", "start over". */
  | { kind: 'act'; act: ActName }
  /** A question for a detail that names no subject ("bis wann?", "et si je la perds ?"): it leans on the conversation's topic. */
  | { kind: 'detail' }
  | { kind: 'oos' };

export const labelKey = (l: Label): string =>
  l.kind === 'faq' ? `faq:${l.id}` : l.kind === 'flow' ? `flow:${l.flow}${l.step ? `/${l.step}` : ''}` : l.kind === 'smalltalk' ? `smalltalk:${l.intent}` : l.kind === 'act' ? `act:${l.act}` : l.kind;

export type TenantModel = {
  tenant: string;
  labels: readonly Label[];
  classifier: SoftmaxModel;
  /** Features of a text as the classifier sees it, analysed as `lang`. */
  features(text: string, lang: Lang): Int32Array;
  /** The same by name, to explain a decision. */
  featureNames(text: string, lang: Lang): string[];
  /** The flow that acts on an FAQ entry's subject, and the step to enter it at. */
  handlerOf: ReadonlyMap<string, { flow: string; step?: string }>;
  /** The FAQ entry that states the facts of a flow's subject. */
  entryOf: ReadonlyMap<string, string>;
  /** The words of our subjects and of the conversation, in the three languages (not those of out of scope). */
  ours: readonly string[];
  /** Those of them that many texts use. */
  common: readonly string[];
  /** The content words of a text that are words of our subjects, and the others. */
  vocabulary(text: string): Read;
  /** The search's ranking of the FAQ for a text: entry id → share of the top scores (summing to 1). */
  retrieve(text: string, lang: Lang): Map<string, number>;
  /**
   * The insurer's own names ("KPT", "CPT"). Any message may name them ("my KPT deductible", "a job at
   * KPT"), so they say nothing of its subject, and the entries that happen to name them must not win
   * for it: they are left out of a message before it is read.
   */
  insurerNames: readonly string[];
  /** The insurer's and its portal's names in every language, folded: the words a message names us by. */
  ownNames: readonly string[];
};

export type Understanding = {
  tenants: ReadonlyMap<string, TenantModel>;
  /** Whether a message asks to act or for a fact, whatever its subject: labels ACT and FACT. */
  actOrFact: SoftmaxModel;
  /** Whether a message asks which option suits the visitor: label ADVICE (else 0). */
  advice: SoftmaxModel;
  /** Words that introduce a subject ("au sujet de", "wegen"), per language: where a clause starts. */
  about: Record<Lang, string[]>;
  /**
   * The words of the generic questions for a fact or detail ("valable combien de temps", "bis wann"),
   * per language: a message made of these names no subject of its own.
   */
  generic: Record<Lang, ReadonlySet<string>>;
  /** Other companies' names, folded into words, of the three languages: "groupe mutuel" is ["groupe", "mutuel"]. */
  otherCompanies: readonly (readonly string[])[];
  /** How visitors speak of the insurer without naming it, folded into words ("chez vous"). */
  us: readonly (readonly string[])[];
  version: string;
};

/** Label indexes of the models of how a message asks. */
export const ACT = 0;
export const FACT = 1;
export const ADVICE = 1;

/**
 * The same content always learns the same model (training is seeded), so a model is kept by content
 * version: a reload that changed only locales, or a second app in the same process, does not train again.
 */
const learned = new Map<string, Understanding>();

export function buildUnderstanding(content: Content, search: SearchService, flows: ReadonlyMap<string, FlowDef>): Understanding {
  const key = `${content.version}:${[...flows.keys()].join(',')}`;
  const known = learned.get(key);
  if (known) return known;
  const built = learnUnderstanding(content, search, flows);
  // The last two versions: the one serving and the one before it, for a quick reload back.
  learned.set(key, built);
  for (const old of learned.keys()) if (learned.size > 2) learned.delete(old);
  return built;
}

/** Learns the models anew, without the memo: for the benchmark of training at load. */
export function learnUnderstanding(content: Content, search: SearchService, flows: ReadonlyMap<string, FlowDef>): Understanding {
  const tenants = new Map<string, TenantModel>();
  for (const [id] of content.tenants) tenants.set(id, buildTenantModel(content, search, flows, id));
  const about = Object.fromEntries(LANGS.map((l) => [l, content.understanding[l].about])) as Record<Lang, string[]>;
  return { tenants, actOrFact: buildActOrFact(content), advice: buildAdvice(content), about, generic: genericWords(content), otherCompanies: namesIn(content, 'otherCompanies'), us: namesIn(content, 'us'), version: content.version };
}

/** A list of names or phrases of the three languages, each folded into its words, each once. */
export function namesIn(content: Pick<Content, 'understanding'>, list: 'otherCompanies' | 'us'): string[][] {
  const names = new Map<string, string[]>();
  for (const l of LANGS) for (const name of content.understanding[l][list]) names.set(fold(name), words(fold(name)));
  return [...names.values()].filter((ws) => ws.length > 0);
}

export function genericWords(content: Pick<Content, 'understanding' | 'intents'>): Record<Lang, ReadonlySet<string>> {
  const of = (l: Lang): ReadonlySet<string> => new Set(wordsOf([...content.understanding[l].fact, ...content.understanding[l].detail, ...content.intents[l].followUp]));
  return { fr: of('fr'), de: of('de'), it: of('it') };
}

/** How many of a flow's phrasings must find an entry first for the flow to act on its subject. */
const CLAIM = { least: 3, share: 0.06 } as const;

export function buildTenantModel(content: Content, search: SearchService, flows: ReadonlyMap<string, FlowDef>, tenantId: string): TenantModel {
  const tc = content.tenants.get(tenantId)!;
  const indexes = search.indexes(tenantId)!;
  const offered = (flow: string) => flows.has(flow) && offers(tc.tenant, flow);
  const labels: Label[] = [];
  const index = new Map<string, number>();
  const labelOf = (l: Label) => {
    const key = labelKey(l);
    let i = index.get(key);
    if (i === undefined) {
      index.set(key, (i = labels.length));
      labels.push(l);
    }
    return i;
  };
  const examples: TrainingExample[] = [];
  const features = (text: string, lang: Lang) => featureIds(text, indexes[lang].analyzer);
  const learn = (text: string, lang: Lang, label: number, augment: boolean) => {
    // Each phrasing draws its variants from its own seed, and its place in training follows from it
    // too: a line an editor adds teaches that line and leaves every other example as it was.
    const seed = featureHash(`${lang}:${text}`);
    const rand = random(seed);
    let n = 0;
    const add = (variant: string) => examples.push({ features: features(variant, lang), label, key: (seed + Math.imul(n++, 0x9e3779b1)) | 0 });
    add(text);
    if (!augment) return;
    add(wrapped(text, content.understanding[lang].wrappers, rand));
    add(withTypo(text, rand));
    // A question for a fact ("jusqu'à quand", "c'est valable combien de temps") asked about one of our
    // subjects is still about it: such words must not pull towards "out of scope".
    const facts = content.understanding[lang].fact;
    const kind = labels[label]!.kind;
    if (facts.length && (kind === 'faq' || kind === 'flow')) add(`${text}, ${facts[Math.floor(rand() * facts.length)]}`);
  };

  for (const lang of LANGS) {
    for (const e of tc.entries[lang]) {
      const label = labelOf({ kind: 'faq', id: e.id });
      for (const p of [e.question, ...e.alternates]) learn(p, lang, label, true);
    }
    for (const [key, phrases] of Object.entries(tc.triggers[lang])) {
      const [flow, step] = key.split('/') as [string, string | undefined];
      if (!offered(flow)) continue;
      const label = labelOf(step ? { kind: 'flow', flow, step } : { kind: 'flow', flow });
      for (const p of phrases) learn(p, lang, label, true);
    }
    const intents = content.intents[lang];
    for (const p of intents.contact) learn(p, lang, labelOf({ kind: 'contact' }), true);
    for (const intent of ['greeting', 'thanks', 'goodbye'] as const) {
      for (const p of intents[intent]) learn(p, lang, labelOf({ kind: 'smalltalk', intent }), false);
    }
    for (const act of ACT_NAMES) for (const p of intents[act]) learn(p, lang, labelOf({ kind: 'act', act }), true);
    const oos = labelOf({ kind: 'oos' });
    for (const p of content.understanding[lang].outOfScope) learn(p, lang, oos, true);
    // The generic questions for a fact are learned with every subject; alone, they ask about none.
    for (const p of [...content.understanding[lang].fact, ...content.understanding[lang].detail]) learn(p, lang, labelOf({ kind: 'detail' }), true);
  }
  const classifier = trainSoftmax(examples, labels.length);

  // Which FAQ entry a flow acts on: the one its trigger phrasings find first, most often.
  const entryOf = new Map<string, string>();
  const handlerOf = new Map<string, { flow: string; step?: string }>();
  const claims = new Map<string, { flow: string; votes: number }>();
  for (const def of flows.values()) {
    if (!offered(def.id)) continue;
    const votes = new Map<string, number>();
    for (const lang of LANGS) {
      for (const [key, phrases] of Object.entries(tc.triggers[lang])) {
        if (key.split('/')[0] !== def.id) continue;
        for (const p of phrases) {
          const top = search.search(tenantId, lang, p, { limit: 1 })[0];
          if (top) votes.set(top.entry.id, (votes.get(top.entry.id) ?? 0) + 1);
        }
      }
    }
    const ranked = [...votes].sort((a, b) => b[1] - a[1]);
    const main = ranked[0]?.[0];
    if (main) entryOf.set(def.id, main);
    // Every entry that several of the flow's phrasings find first is about what the flow does ("carte de
    // code perdue" finds the entry on code cards): the two answer the same subject. A few phrasings
    // among many that find an entry only share a word with it ("l'app ne s'ouvre pas" and uploading
    // documents with the app).
    const total = ranked.reduce((sum, [, n]) => sum + n, 0);
    for (const [entry, n] of ranked) {
      if (n < Math.max(CLAIM.least, CLAIM.share * total) || def.entryPoints?.[entry]) continue;
      const claimed = claims.get(entry);
      if (!claimed || claimed.votes < n) {
        claims.set(entry, { flow: def.id, votes: n });
        handlerOf.set(entry, { flow: def.id });
      }
    }
  }
  // Declared entry points win over what the votes found, and name the step.
  for (const def of flows.values()) {
    if (!offered(def.id)) continue;
    for (const [entry, step] of Object.entries(def.entryPoints ?? {})) handlerOf.set(entry, { flow: def.id, step });
  }
  const retrieve = (text: string, lang: Lang) => {
    const hits = search.search(tenantId, lang, text, { limit: 5 });
    const total = hits.reduce((n, h) => n + h.score, 0);
    return new Map(total > 0 ? hits.map((h) => [h.entry.id, h.score / total]) : []);
  };
  const featureNames = (text: string, lang: Lang) => featuresOf(text, indexes[lang].analyzer);
  const texts = LANGS.flatMap((lang) => [...oursIn(content, tc, lang)]);
  const ours = wordsOf(texts);
  const common = commonWordsOf(texts, COMMON_IN);
  const vocabulary = vocabularyOf(ours, common, LANGS.map((lang) => indexes[lang].analyzer));
  const insurerNames = [...new Set(LANGS.map((l) => tc.tenant.insurer[l].split(' ')[0]!))];
  const ownNames = wordsOf([...insurerNames, ...LANGS.map((l) => tc.tenant.portal[l])]);
  return { tenant: tenantId, labels, classifier, features, featureNames, handlerOf, entryOf, retrieve, ours, common, vocabulary, insurerNames, ownNames };
}

/** A tenant's vocabulary from its words, built when a message first needs it. */
export function vocabularyOf(ours: readonly string[], common: readonly string[], analyzers: readonly Analyzer[]): TenantModel['vocabulary'] {
  let built: Vocabulary | undefined;
  return (text) => (built ??= buildVocabulary(ours, common, analyzers, ALL_STOPWORDS)).read(text);
}

/** A word used by this many of a tenant's texts is one its subjects are made of. */
const COMMON_IN = 5;

const ALL_STOPWORDS: ReadonlySet<string> = new Set(LANGS.flatMap((l) => [...stopwords[l]]));

/** Every text of a language about our subjects and the conversation; not the examples of out of scope. */
function* oursIn(content: Content, tc: TenantContent, lang: Lang): Iterable<string> {
  for (const e of tc.entries[lang]) yield* [e.question, ...e.alternates, e.plain ?? e.text];
  for (const phrases of Object.values(tc.triggers[lang])) yield* phrases;
  for (const list of Object.values(content.intents[lang])) yield* list.flat();
  const { outOfScope: _, otherCompanies: __, ...teaching } = content.understanding[lang];
  for (const list of Object.values(teaching)) yield* list;
  for (const group of content.synonyms[lang]) yield* group;
}

/**
 * Act or fact, for a subject that has both an answer and a flow: trained on the editors' generic
 * examples, on every flow trigger (wishes to act), and on both kinds joined to a trigger, so that the
 * subject's words weigh on neither side and only the way of asking decides.
 */
export function buildActOrFact(content: Content): SoftmaxModel {
  const rand = random(99);
  const examples: TrainingExample[] = [];
  const add = (text: string, label: number) => examples.push({ features: wordFeatureIds(text), label });
  for (const lang of LANGS) {
    const teach = content.understanding[lang];
    // Each distinct phrasing once: insurers share many (and a tenant copied from another, all of them).
    const triggers = [...new Set([...content.tenants.values()].flatMap((tc) => Object.values(tc.triggers[lang]).flat()))];
    const pick = () => triggers[Math.floor(rand() * triggers.length)] ?? '';
    const frame = (list: string[]) => list[Math.floor(rand() * list.length)] ?? '';
    // Every trigger once as it is (a wish to act) and once with a question for a fact around it.
    for (const t of triggers) {
      add(t, ACT);
      if (teach.fact.length) add(rand() < 0.5 ? `${t}, ${frame(teach.fact)}` : `${frame(teach.fact)} ${t}`, FACT);
    }
    for (const [list, label] of [
      [teach.act, ACT],
      [teach.fact, FACT],
    ] as const) {
      for (const p of list) {
        add(p, label);
        for (let i = 0; i < 4; i++) add(rand() < 0.5 ? `${pick()}, ${p}` : `${p} ${pick()}`, label);
      }
    }
  }
  return trainSoftmax(examples, 2, { epochs: 20 });
}

/**
 * Advice or not: every question, alternate, trigger and generic phrasing of the content is not advice;
 * the editors' requests for advice are, alone and joined to those same phrasings. Each subject is thus
 * seen on both sides, and only the asking for a recommendation ("lequel me conseillez-vous") decides.
 */
export function buildAdvice(content: Content): SoftmaxModel {
  const rand = random(101);
  const examples: TrainingExample[] = [];
  const add = (text: string, label: number) => examples.push({ features: wordFeatureIds(text), label });
  for (const lang of LANGS) {
    const teach = content.understanding[lang];
    if (!teach.advice.length) continue;
    const phrasings = new Set([
      ...[...content.tenants.values()].flatMap((tc) => [...tc.entries[lang].flatMap((e) => [e.question, ...e.alternates]), ...Object.values(tc.triggers[lang]).flat()]),
      ...teach.act,
      ...teach.fact,
    ]);
    const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
    for (const p of phrasings) {
      add(p, 0);
      add(rand() < 0.5 ? `${p}, ${pick(teach.advice)}` : `${pick(teach.advice)} ${p}`, ADVICE);
    }
    for (const a of teach.advice) add(a, ADVICE);
  }
  return trainSoftmax(examples, 2, { epochs: 10 });
}
