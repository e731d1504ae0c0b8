/**
 * What a visitor's message asks for, decided from the learned models: an FAQ answer, a guided flow,
 * people, small talk, out of scope, or not sure ("did you mean"). The classifier gives each label a
 * probability; an FAQ entry and the flow that acts on the same subject pool theirs, since both answer the
 * subject, and the act-or-fact model then decides between telling and doing.
 */
import type { ActName, Lang } from '../content/types.ts';
import { fold, words } from '../search/fold.ts';
import { stopwords } from '../search/stopwords.ts';
import { wordFeatureIds } from './features.ts';
import { mostlyStrange } from './vocabulary.ts';
import { ACT, ADVICE, FACT, labelKey, type Label, type TenantModel, type Understanding } from './model.ts';
import type { Contribution } from './softmax.ts';

/** Probabilities behind the decisions; see README "How a question is answered" for how they were set. */
export const DECISION = {
  /** The subject (entry, or entry and its flow together) must be at least this likely for a reply. */
  confident: 0.3,
  /** ...and lead the runner-up subject by this much; else "did you mean" offers both. */
  margin: 0.05,
  /** A person asked for by the whole message, at this probability, escalates. */
  contact: 0.5,
  /**
   * ...and by one sentence or clause of it ("rappelez-moi", "c'est pour ma franchise"), which says less
   * and must be clearer: "Können Sie mir helfen?" after a problem told in full asks for the problem to be
   * solved, not for a person.
   */
  contactInPiece: 0.8,
  /** Candidates offered by "did you mean" are at least this likely (at most three). */
  candidate: 0.04,
  /** Within the share of our subjects, how much the classifier says which one (the rest: the search). */
  classifierShare: 0.5,
  /**
   * An answer less likely than this was a guess on wording the model had not learned: rated helpful, the
   * visitor's phrasing becomes a suggested alternate for editors.
   */
  learnBelow: 0.6,
  /** Asking which option suits the visitor, at this probability, is advice: people give it. */
  advice: 0.5,
  /** ...and its subject's answer is offered with the advice when the subject is at least this likely. */
  adviceSubject: 0.05,
  /** Small talk only in short messages: a greeting before a question is politeness. */
  smalltalkWords: 6,
  /** What a message says of the conversation ("ça ne m'aide pas du tout") may take a few more words. */
  actWords: 12,
  /**
   * A piece of the message (sentence or clause) that names a step of the flow chosen, at this
   * probability, enters the flow there: "je n'arrive plus à me connecter, le code sms n'arrive jamais".
   */
  stepInPiece: 0.3,
  /**
   * A question for a detail is made of words the model knows ("bis wann?", "et combien de temps ?"):
   * at least this share of its features known, or it is gibberish, which the detail label would otherwise
   * take for lack of anything else ("zorblax quinqua").
   */
  knownForDetail: 0.6,
  /**
   * A subject less likely than this, for a message whose content words are mostly not words of any of
   * our subjects (two at least), was found in n-grams only ("gagner les élections" → "combien je gagne"):
   * out of scope.
   */
  strangeUnder: 0.5,
} as const;

export type Candidate = { label: Label; p: number };

export type Decision =
  | { kind: 'answer'; entry: string; others: string[]; /** The subject's probability. */ p: number; /** The flow that does what the answer describes. */ offer?: { flow: string; step?: string } }
  | { kind: 'flow'; flow: string; step?: string; /** The entry the message was closest to, if any. */ entry?: string; /** The subject's probability. */ p: number }
  | { kind: 'contact'; /** The subject named with the wish for a person ("rappelez-moi pour ma franchise"). */ topic?: Label }
  | { kind: 'smalltalk'; intent: 'greeting' | 'thanks' | 'goodbye' }
  | { kind: 'act'; act: ActName }
  /** A question for a detail that names no subject: it needs the conversation's topic. */
  | { kind: 'detail' }
  | { kind: 'oos'; /** How sure: a short follow-up may still be about the conversation's topic. */ p: number }
  | { kind: 'advice'; /** The entry with the facts the choice rests on. */ entry?: string }
  | { kind: 'clarify'; candidates: Label[] };

export type Explanation = {
  /** The text that decided (the whole message, or the sentence of it that asks). */
  decidedOn: string;
  top: { label: string; p: number; features: Contribution[] }[];
  /** How the message asks (to act, for a fact, for advice), where it mattered. */
  asking?: { act: number; fact: number; advice: number };
};

export type Understood = {
  decision: Decision;
  explanation: Explanation;
  /** What clauses of the message said of the conversation beside what it asks ("zurück zum Thema, ab wann?" says resume). */
  said: ActName[];
};

/** A decision whose explanation is worked out when first read: only editors' tools read it, and it costs as much as the decision. */
function understood(decision: Decision, explain: () => Explanation, said: ActName[] = []): Understood {
  let explanation: Explanation | undefined;
  return {
    decision,
    said,
    get explanation() {
      return (explanation ??= explain());
    },
  };
}

type Reading = { text: string; probs: Float64Array };

/** Words of any of the three languages: a visitor may write in another one than the page's. */
const FUNCTION_WORDS = new Set([stopwords.fr, stopwords.de, stopwords.it].flatMap((list) => [...list]));
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The words of a message that say something of its own (no stop word of any of the three languages,
 * not the insurer's names): "et sur Android ?" has one, a follow-up leans on what came before.
 */
export function contentWords(model: Pick<TenantModel, 'insurerNames'>, message: string): string[] {
  return words(fold(withoutNames(message, model.insurerNames))).filter((w) => !FUNCTION_WORDS.has(w));
}

/**
 * Pieces of a message cut at the given punctuation and, for clauses, before the words that introduce a
 * subject ("au sujet de"). A piece says something: words that only hold a sentence together ("möchte
 * mich" before "für myAtupri registrieren") are none, one word that does ("richiamatemi") is one.
 * None when the message is one piece.
 */
function pieces(message: string, cut: RegExp, about: readonly string[] = []): string[] {
  const marked = about.reduce((m, word) => m.replace(new RegExp(`(^|\\s)${literal(word)}(?=\\s)`, 'giu'), '$1\n'), message);
  const parts = marked
    .split(cut)
    .map((x) => x.trim())
    .filter((x) => words(fold(x)).some((word) => !FUNCTION_WORDS.has(word)));
  return parts.length > 1 ? parts : [];
}
const SENTENCE_END = /(?<=[.!?;])\s+|\n+/;
const CLAUSE_END = /[,;:.!?\n]+/;

/**
 * Whether a text holds program code or markup: an SQL query, or several of the symbols code is written
 * with and one of its shapes (braces, an arrow, a call, a statement's semicolon, a closing tag). A phone
 * number in brackets or a list with a semicolon has too few.
 */
export function looksLikeCode(text: string): boolean {
  const symbols = text.match(/[{}[\]();=<>`$\\]/g)?.length ?? 0;
  const sql = /\bselect\s+(?:\*|\w+(?:\s*,\s*\w+)*)\s+from\s+\w+/i.test(text);
  return sql || (symbols >= 5 && /[{}]|=>|\w\(.*\)|;\s*\S|<\/\w/.test(text));
}

/** The names of languages a visitor asks to be answered in, folded, in our three languages and English. */
const LANGUAGE_NAMES = /(?<![\p{L}\p{N}])(?:fran[cç]ais|franz[oö]e?sisch|francese|french|allemand|deutsch|tedesco|german|italien(?:ne)?|italiano|italienisch|italian|anglais|englisch|inglese|english)(?![\p{L}\p{N}])/giu;
const withoutLanguageNames = (message: string) => message.replace(LANGUAGE_NAMES, ' ').replace(/\s+/g, ' ').trim() || message;

/** A message without the insurer's names (see `TenantModel.insurerNames`); as it was if nothing else is left. */
const namePatterns = new WeakMap<readonly string[], RegExp>();
function withoutNames(message: string, names: readonly string[]): string {
  if (!names.length) return message;
  let pattern = namePatterns.get(names);
  if (!pattern) namePatterns.set(names, (pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${names.map(literal).join('|')})(?![\\p{L}\\p{N}])`, 'giu')));
  return message.replace(pattern, ' ').replace(/\s+/g, ' ').trim() || message;
}

/**
 * A subject the decision must leave out: the one the visitor just said was not meant ("no, I meant the
 * policy, not the certificate"). What it held is shared among the rest in proportion, so the next
 * subject can be confident.
 */
export type Exclude = { entry?: string | null; flow?: string | null };

export type DecideOptions = {
  exclude?: Exclude;
  /**
   * How much more likely each label is before the message is read (1: no change): the conversation's
   * topic makes its own subject and its neighbours likelier for a follow-up ("et si je la perds ?").
   */
  prior?: (l: Label) => number;
};

/**
 * A piece this surely about the conversation itself is left out of what the message asks; a piece of
 * a few words ("gut danke", "ok merci") needs only to be most likely so.
 */
const ABOUT_CONVERSATION = { sure: 0.7, fewWords: 3, fewWordsSure: 0.3 };

/**
 * The message without its clauses that speak of the conversation itself ("Pardon, je préfère continuer
 * en français.", "ok, zurück zum Thema:", "Merci !"): what is left is what it asks, and what those
 * clauses said. The message as it was when nothing else is left.
 */
function whatIsAsked(model: TenantModel, lang: Lang, message: string, about: readonly string[]): { asked: string; said: ActName[] } {
  const said: ActName[] = [];
  const conversational = (text: string) => {
    const probs = model.classifier.predict(model.features(text, lang));
    let best = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
    const l = model.labels[best]!;
    const bar = words(fold(text)).length <= ABOUT_CONVERSATION.fewWords ? ABOUT_CONVERSATION.fewWordsSure : ABOUT_CONVERSATION.sure;
    if (probs[best]! < bar) return false;
    if (l.kind === 'act') said.push(l.act);
    return l.kind === 'act' || (l.kind === 'smalltalk' && l.intent !== 'goodbye');
  };
  const parts = pieces(message, CLAUSE_END, about);
  const kept = parts.filter((p) => !conversational(p));
  return { asked: kept.length && kept.length < parts.length ? kept.join(' ') : message, said: kept.length ? said : [] };
}

export function decide(u: Understanding, model: TenantModel, lang: Lang, typed: string, options: DecideOptions = {}): Understood {
  const { asked: message, said } = whatIsAsked(model, lang, withoutNames(typed, model.insurerNames), u.about[lang]);
  const leftOut = options.exclude && (options.exclude.entry || options.exclude.flow) ? excludedLabels(model, options.exclude) : undefined;
  const weights = options.prior ? Float64Array.from(model.labels, options.prior) : undefined;
  const detail = model.labels.findIndex((l) => l.kind === 'detail');
  const read = (text: string): Reading => {
    let probs = detailOnSubjects(model, blend(model, model.classifier.predict(model.features(text, lang)), model.retrieve(text, lang)), detail);
    if (weights) probs = reweighted(probs, weights);
    return { text, probs: leftOut ? without(probs, leftOut) : probs };
  };
  const whole = read(message);
  const parts = pieces(message, SENTENCE_END).map(read);
  const labels = model.labels;
  const at = (r: Reading, pred: (l: Label) => boolean) => labels.reduce((best, l, i) => (pred(l) && r.probs[i]! > best.p ? { i, p: r.probs[i]! } : best), { i: -1, p: 0 });
  const inScope = (l: Label) => l.kind === 'faq' || l.kind === 'flow';

  const explain = (r: Reading, asking?: Explanation['asking']): Explanation => {
    const feats = model.featureNames(r.text, lang);
    const order = [...r.probs.keys()].sort((a, b) => r.probs[b]! - r.probs[a]!).slice(0, 4);
    return {
      decidedOn: r.text,
      top: order.map((i) => ({ label: labelKey(labels[i]!), p: r.probs[i]!, features: model.classifier.explain(feats, i, 5) })),
      ...(asking ? { asking } : {}),
    };
  };

  // A wish for a person anywhere in the message is answered first: it is what the visitor wants most.
  // Looked for in each clause too, so that a subject named with it ("call me back about my deductible")
  // does not outweigh it; the subject then goes into the contact form.
  // A clause only asks whether it wants a person: the classifier alone says that (the search's ranking
  // moves probability among our subjects only), so clauses skip the search, most of a message's cost.
  const clauseReadings = pieces(message, CLAUSE_END, u.about[lang]).map((text): Reading => ({ text, probs: model.classifier.predict(model.features(text, lang)) }));
  for (const r of [whole, ...parts, ...clauseReadings]) {
    const contact = at(r, (l) => l.kind === 'contact');
    const best = at(r, () => true);
    // A sentence or clause says less than the whole message: it must be clearer about it.
    const bar = r === whole ? DECISION.contact : DECISION.contactInPiece;
    if (contact.i >= 0 && contact.i === best.i && contact.p >= bar) {
      const topic = at(whole, inScope);
      return understood({ kind: 'contact', ...(topic.p >= DECISION.confident / 2 ? { topic: labels[topic.i]! } : {}) }, () => explain(r), said);
    }
  }

  // Another company's app, portal or e-banking ("PostFinance e-finance login gesperrt"), and not ours:
  // our pages cannot answer it, however much it sounds like our login help.
  // A snippet of program code or markup asks about software of the visitor's own, not our portal,
  // however many of our words ("login", "Passwort") it holds.
  if (looksLikeCode(typed)) return understood({ kind: 'oos', p: 1 }, () => explain(whole), said);

  // Named as the visitor's own circumstance beside a question of ours ("wie melde ich mich für eBill
  // an? bin bei der Raiffeisen", "le code n'arrive pas, j'ai un natel Swisscom"), the company is context.
  const clearlyOurs = (text: string) => {
    const r = read(text);
    const ours = at(r, inScope);
    return ours.p >= DECISION.confident && ours.i === at(r, () => true).i;
  };
  if (aboutAnotherCompany(u, model, typed) && !companyIsContext(u, model, message, clearlyOurs)) {
    return understood({ kind: 'oos', p: 1 }, () => explain(whole), said);
  }

  // Context around the question ("my son is 17. Can he open an account?"): the sentence that asks most
  // clearly about one of our subjects decides, when it is clearer than the whole.
  const reading = parts.reduce((best, r) => (at(r, inScope).p > at(best, inScope).p + DECISION.margin ? r : best), whole);
  // A question for a detail asks: with a question mark, in the words of one ("bis wann", "et si"), or
  // in one word ("2500", "und Android"). Without, "perfekt, merci vielmal. das wars." is none,
  // whatever the label learned.
  const own = contentWords(model, message);
  const asksDetail = message.includes('?') || own.length <= 1 || own.some((w) => u.generic[lang].has(w));
  const subjects = poolBySubject(model, reading.probs).filter((s) => asksDetail || s.members[0]!.kind !== 'detail');
  const [first, second] = subjects;
  if (!first) return understood({ kind: 'clarify', candidates: [] }, () => explain(reading), said);

  const top = first.members[0]!;
  // Asked which option suits them ("which deductible would you recommend?"): people advise, whether the
  // model took the wording for one of our subjects or for the advice it refuses.
  const wording = wordFeatureIds(message);
  const way = wayOfAsking(u, message);
  const asking = { ...way, advice: u.advice.predict(wording)[ADVICE]! };
  const subject = subjects.find((s) => s.members[0]!.kind === 'faq' || s.members[0]!.kind === 'flow');
  if (asking.advice >= DECISION.advice && subject && (top.kind === 'oos' || subject === first)) {
    // The facts one tap away only where the subject is clear enough to be the one asked about.
    const entry = subject.p >= DECISION.adviceSubject ? subjectEntry(model, subject) : undefined;
    return understood({ kind: 'advice', ...(entry ? { entry } : {}) }, () => explain(reading, asking), said);
  }
  if (top.kind === 'oos') return understood({ kind: 'oos', p: first.p }, () => explain(reading), said);
  if (top.kind === 'contact') return understood({ kind: 'contact' }, () => explain(reading), said);
  if (top.kind === 'detail') {
    if (model.classifier.known(model.features(message, lang)) >= DECISION.knownForDetail) return understood({ kind: 'detail' }, () => explain(reading), said);
    return understood({ kind: 'clarify', candidates: [] }, () => explain(reading), said);
  }
  if (top.kind === 'act') {
    // "Vorrei parlare con un operatore in italiano": the language is said, and what else the message
    // asks decides (the reply follows the message's language anyway).
    if (top.act === 'language') {
      const rest = withoutLanguageNames(message);
      if (rest !== message && contentWords(model, rest).length > 0) {
        const other = decide(u, model, lang, rest, options);
        const k = other.decision.kind;
        if (k === 'contact' || k === 'answer' || k === 'flow') return understood(other.decision, () => other.explanation, [...new Set<ActName>([...said, 'language', ...other.said])]);
      }
    }
    if (words(fold(message)).length <= DECISION.actWords) return understood({ kind: 'act', act: top.act }, () => explain(reading), said);
    return understood({ kind: 'clarify', candidates: candidates(model, reading.probs) }, () => explain(reading), said);
  }
  if (top.kind === 'smalltalk') {
    // A thanks or goodbye may take a few words more ("alles klar, merci vielmal, das wär's") when none
    // of them is about one of our subjects.
    const n = words(fold(message)).length;
    const closing = top.intent !== 'greeting' && n <= DECISION.actWords && at(reading, inScope).p < DECISION.candidate * 2;
    if (n <= DECISION.smalltalkWords || closing) return understood({ kind: 'smalltalk', intent: top.intent }, () => explain(reading), said);
    return understood({ kind: 'clarify', candidates: candidates(model, reading.probs) }, () => explain(reading), said);
  }
  if (first.p < DECISION.strangeUnder) {
    const read = model.vocabulary(message);
    if (mostlyStrange(read)) return understood({ kind: 'oos', p: read.strange.length / (read.strange.length + read.familiar.length) }, () => explain(reading), said);
  }
  if (first.p < DECISION.confident || first.p - (second?.p ?? 0) < DECISION.margin) {
    return understood({ kind: 'clarify', candidates: candidates(model, reading.probs) }, () => explain(reading), said);
  }

  // One subject: tell or do.
  const flows = first.members.filter((l): l is Extract<Label, { kind: 'flow' }> => l.kind === 'flow');
  const entry = subjectEntry(model, first);
  const handler = entry ? model.handlerOf.get(entry) : undefined;
  const flow = flows[0] ? { flow: flows[0].flow, ...(flows[0].step ? { step: flows[0].step } : {}) } : handler;
  if (!flow) {
    return understood({ kind: 'answer', entry: entry!, others: entriesAmong(subjects.slice(1), first.p), p: first.p }, () => explain(reading), said);
  }
  // An entry more likely than the flow's own phrasings names the step ("SMS code not received"); a
  // general wish ("je n'arrive pas à me connecter") starts where the flow starts.
  const entryFirst = first.members[0]!.kind === 'faq';
  const pointed = entryFirst && entry && handler?.flow === flow.flow ? handler.step : flow.step;
  // Where the whole message enters the flow at its general question ("what is the problem?"), a piece
  // of it may name the case: "je n'arrive plus à me connecter, le code sms n'arrive jamais".
  const general = pointed === undefined || pointed === model.handlerOf.get(model.entryOf.get(flow.flow) ?? '')?.step;
  const step = (general && stepNamedInPiece(model, flow.flow, [...parts, ...clauseReadings])) || pointed;
  if (asking.fact >= 0.5 && entry) {
    return understood({ kind: 'answer', entry, others: entriesAmong(subjects.slice(1), first.p), p: first.p, offer: { flow: flow.flow, ...(step ? { step } : {}) } }, () => explain(reading, asking), said);
  }
  return understood({ kind: 'flow', flow: flow.flow, ...(step ? { step } : {}), ...(entry ? { entry } : {}), p: first.p }, () => explain(reading, asking), said);
}

/** Question words that ask for a number, a time or a choice, folded, in the three languages. */
const FACT_QUESTION = / (wie ?viele?|wie lange|wann|combien|quand|quanti|quante|quanto|quando|welche[rsmn]?|quel|quelle|quels|quelles|quale|quali) /;

/**
 * Whether the message asks to act or for a fact. A story around a wish weighs on the whole message
 * ("voglio togliere la copertura infortuni, da febbraio lavoro a tempo pieno…" reads as a statement of
 * facts), so its clauses are heard too: a clear wish decides, unless a clause asks a question for a
 * fact ("…tiefer machen. Bis wann muss der Antrag bei euch sein?").
 */
function wayOfAsking(u: Understanding, message: string): { act: number; fact: number } {
  const way = (text: string) => {
    const p = u.actOrFact.predict(wordFeatureIds(text));
    return { act: p[ACT]!, fact: p[FACT]! };
  };
  // "Wie viele Codes hat die Karte?", "jusqu'à quand ?": how many, how long, when and which ask for a
  // fact, never to act, whatever else the words look like.
  if (message.includes('?') && FACT_QUESTION.test(` ${words(fold(message)).join(' ')} `)) return { act: 0, fact: 1 };
  const whole = way(message);
  const clauses = [...message.matchAll(/[^,;:.!?\n]+[,;:.!?\n]*/gu)].map((m) => m[0].trim()).filter((c) => words(fold(c)).some((w) => !FUNCTION_WORDS.has(w)));
  if (clauses.length < 2) return whole;
  const read = clauses.map((c) => ({ question: c.endsWith('?'), ...way(c) }));
  if (read.some((c) => c.question && c.fact >= WAY.clear)) return whole;
  return read.some((c) => c.act >= WAY.clear) ? { act: 1, fact: 0 } : whole;
}

/** A clause this sure of how it asks decides for the whole message. */
const WAY = { clear: 0.8 } as const;

/**
 * The message names another company, and neither the insurer, its portal nor "chez vous". A company
 * our own pages speak of (PostFinance for KPT's e-bill) is not another one for them.
 */
function aboutAnotherCompany(u: Understanding, model: TenantModel, typed: string): boolean {
  const ws = words(fold(typed));
  if (ws.some((w) => model.ownNames.includes(w) || model.ownNames.some((n) => w === `my${n}`))) return false;
  const joined = ` ${ws.join(' ')} `;
  const named = (phrase: readonly string[]) => joined.includes(` ${phrase.join(' ')} `);
  if (u.us.some(named)) return false;
  return othersNamed(u, model, ws).length > 0;
}

/** The other companies a text names (folded words), leaving out those our own pages speak of. */
function othersNamed(u: Understanding, model: TenantModel, ws: readonly string[]): (readonly string[])[] {
  const joined = ` ${ws.join(' ')} `;
  // A portal named after its company ("myCSS", "mySwica") names the company, as "myAtupri" names ours.
  const named = (name: readonly string[]) => joined.includes(` ${name.join(' ')} `) || (name.length === 1 && ws.includes(`my${name[0]}`));
  return u.otherCompanies.filter((name) => named(name) && !name.every((w) => model.ours.includes(w)));
}

/**
 * Whether the other company a message names is only the visitor's circumstance: a clause without it asks
 * clearly about one of our subjects, and each clause that names it says nothing else ("bin bei der Raiffeisen") or
 * follows that question in words of ours ("…, j'ai un natel Swisscom"). "UBS E-Banking: Passwort vergessen"
 * and "mon e-banking Raiffeisen est bloqué, vous pouvez m'aider ?" stay about the other company.
 */
function companyIsContext(u: Understanding, model: TenantModel, message: string, clearlyOurs: (text: string) => boolean): boolean {
  const clauses = pieces(message, CLAUSE_END);
  if (clauses.length < 2) return false;
  const named = clauses.map((c) => othersNamed(u, model, words(fold(c))));
  const asks = clauses.findIndex((c, i) => named[i]!.length === 0 && clearlyOurs(c));
  if (asks < 0) return false;
  return clauses.every((c, i) => {
    if (named[i]!.length === 0) return true;
    const names = new Set(named[i]!.flat());
    const rest = words(fold(c)).filter((w) => !names.has(w) && !FUNCTION_WORDS.has(w));
    // After the question, in words of ours ("j'ai un natel Swisscom"); not "la box Swisscom redémarre pas".
    return rest.length === 0 || (i > asks && model.vocabulary(rest.join(' ')).strange.length === 0);
  });
}

/**
 * The step of `flow` that one sentence or clause of the message names most clearly, through an entry
 * the flow enters at a step ("le code sms n'arrive jamais") or a trigger of the step: a message that
 * says the case is not asked it again.
 */
function stepNamedInPiece(model: TenantModel, flow: string, readings: Reading[]): string | undefined {
  let best: { step: string; p: number } | undefined;
  for (const r of readings) {
    model.labels.forEach((l, i) => {
      const step = l.kind === 'flow' && l.flow === flow ? l.step : l.kind === 'faq' && model.handlerOf.get(l.id)?.flow === flow ? model.handlerOf.get(l.id)!.step : undefined;
      const p = r.probs[i]!;
      if (step && p >= DECISION.stepInPiece && p > (best?.p ?? 0)) best = { step, p };
    });
  }
  return best?.step;
}

/**
 * The labels of a subject to leave out: its entry and its flow's own phrasings. The other entries the
 * flow acts on stay: "non, je parlais de la carte de code" after the SMS code leaves out the SMS code,
 * not every login question.
 */
function excludedLabels(model: TenantModel, ex: Exclude): Set<number> {
  const flow = ex.flow ?? (ex.entry ? model.handlerOf.get(ex.entry)?.flow : undefined);
  const out = new Set<number>();
  model.labels.forEach((l, i) => {
    if (l.kind === 'faq' && l.id === ex.entry) out.add(i);
    if (l.kind === 'flow' && l.flow === flow) out.add(i);
  });
  return out;
}

/**
 * A question for a detail ("bis wann?", "combien de temps ?") is about whatever subject the message
 * names: its share lifts each of our subjects (at most doubling it) and only what is left says that the
 * message names none. "Vorrei una franchigia più bassa. Entro quando?" stays about the deductible.
 */
function detailOnSubjects(model: TenantModel, probs: Float64Array, detail: number): Float64Array {
  if (detail < 0) return probs;
  const share = probs[detail]!;
  const out = Float64Array.from(probs);
  let given = 0;
  model.labels.forEach((l, i) => {
    if (l.kind !== 'faq' && l.kind !== 'flow') return;
    const lift = probs[i]! * share;
    out[i]! += lift;
    given += lift;
  });
  out[detail] = share - given;
  return out;
}

/** Probabilities times each label's prior weight, summing to one again. */
function reweighted(probs: Float64Array, weights: Float64Array): Float64Array {
  const out = new Float64Array(probs.length);
  let sum = 0;
  for (let i = 0; i < probs.length; i++) sum += out[i] = probs[i]! * weights[i]!;
  if (sum > 0) for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

/** Probabilities with some labels left out, their share given to the others in proportion. */
function without(probs: Float64Array, leftOut: Set<number>): Float64Array {
  let kept = 0;
  for (let i = 0; i < probs.length; i++) if (!leftOut.has(i)) kept += probs[i]!;
  const out = new Float64Array(probs.length);
  if (kept <= 0) return out;
  for (let i = 0; i < probs.length; i++) if (!leftOut.has(i)) out[i] = probs[i]! / kept;
  return out;
}

/**
 * The classifier decides how much of the message is about our subjects; within that share, which entry
 * is meant is decided with the search's ranking too, which knows every word of the answers themselves.
 */
function blend(model: TenantModel, probs: Float64Array, ranked: Map<string, number>): Float64Array {
  if (ranked.size === 0) return probs;
  let mass = 0;
  model.labels.forEach((l, i) => {
    if (l.kind === 'faq' || l.kind === 'flow') mass += probs[i]!;
  });
  const out = Float64Array.from(probs);
  model.labels.forEach((l, i) => {
    if (l.kind === 'faq') out[i] = DECISION.classifierShare * probs[i]! + (1 - DECISION.classifierShare) * mass * (ranked.get(l.id) ?? 0);
    else if (l.kind === 'flow') out[i] = DECISION.classifierShare * probs[i]!;
  });
  return out;
}

type Subject = { key: string; p: number; /** Most likely first. */ members: Label[] };

/** Labels pooled by subject: an FAQ entry with the flow that acts on it; every other label alone. */
function poolBySubject(model: TenantModel, probs: Float64Array): Subject[] {
  const pooled = new Map<string, { p: number; members: { l: Label; p: number }[] }>();
  model.labels.forEach((l, i) => {
    const key = l.kind === 'faq' ? (model.handlerOf.get(l.id) ? `flow:${model.handlerOf.get(l.id)!.flow}` : `faq:${l.id}`) : l.kind === 'flow' ? `flow:${l.flow}` : labelKey(l);
    const s = pooled.get(key) ?? { p: 0, members: [] };
    s.p += probs[i]!;
    s.members.push({ l, p: probs[i]! });
    pooled.set(key, s);
  });
  return [...pooled]
    .map(([key, s]) => ({ key, p: s.p, members: s.members.sort((a, b) => b.p - a.p).map((m) => m.l) }))
    .sort((a, b) => b.p - a.p);
}

/** The FAQ entry of a subject: its most likely entry, or the one its flow acts on. */
function subjectEntry(model: TenantModel, subject: Subject): string | undefined {
  const entry = subject.members.find((l): l is Extract<Label, { kind: 'faq' }> => l.kind === 'faq');
  const flow = subject.members.find((l): l is Extract<Label, { kind: 'flow' }> => l.kind === 'flow');
  return entry?.id ?? (flow ? model.entryOf.get(flow.flow) : undefined);
}

const entriesAmong = (subjects: Subject[], best: number): string[] =>
  subjects
    .filter((s) => s.p >= best / 3)
    .flatMap((s) => s.members.filter((l): l is Extract<Label, { kind: 'faq' }> => l.kind === 'faq').slice(0, 1))
    .map((l) => l.id)
    .slice(0, 2);

/** At most three subjects for "did you mean", most likely first: entries, or flows without an entry. */
function candidates(model: TenantModel, probs: Float64Array): Label[] {
  return [...probs.keys()]
    .filter((i) => (model.labels[i]!.kind === 'faq' || model.labels[i]!.kind === 'flow') && probs[i]! >= DECISION.candidate)
    .sort((a, b) => probs[b]! - probs[a]!)
    .map((i) => model.labels[i]!)
    .filter((l, n, all) => all.findIndex((o) => labelKey(o) === labelKey(l)) === n)
    .slice(0, 3);
}
