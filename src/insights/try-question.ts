/**
 * An editor's question tried on the assistant: the reply a visitor would get (without a trace in the
 * logs), the decision behind it (the most likely labels with their probabilities, the margin, the features
 * that carried each) and, for each label, the file and exact line where the question would teach it.
 */
import type { ActionService } from '../actions/service.ts';
import type { FlowDef } from '../chat/flow-types.ts';
import { previewReply, type Preview } from '../chat/preview.ts';
import type { Lang } from '../content/types.ts';
import { understandMessage } from '../evaluation/explain.ts';
import type { Library } from '../library.ts';
import { DECISION, type Decision } from '../understanding/decide.ts';
import { targetOfLabel, whereToAdd, type EditPlace, type EditTarget } from './edit-location.ts';

export type FeatureKind = 'word' | 'pair' | 'letters' | 'concept' | 'other';

export type TriedCandidate = {
  /** The model's label key ("faq:login-code-card", "flow:login-trouble", "contact", "oos"). */
  key: string;
  target: EditTarget | undefined;
  /** The entry's question or the flow's title in the question's language (none for the other kinds). */
  name?: string;
  /** The entry's page, for an FAQ label. */
  url?: string;
  p: number;
  /** What pushed the label up (positive) or down (negative), strongest first. */
  features: { kind: FeatureKind; text: string; weight: number }[];
  /** Where the question would teach this label. */
  place?: EditPlace;
};

export type Tried = {
  /** The language the message was read and answered in. */
  lang: Lang;
  preview: Preview;
  decision: Decision;
  /** What the decision names, as the visitor reads it: the entry's question, the flow's title. */
  names: { entry?: string; flow?: string; offer?: string };
  /** The sentence of the message that decided, when not the whole message. */
  decidedOn?: string;
  candidates: TriedCandidate[];
  /** How far the most likely subject leads the next (an entry and the flow acting on it count as one). */
  margin: number;
  /** Probability that the message asks for a fact rather than to act, where it mattered. */
  fact?: number;
  thresholds: { confident: number; margin: number };
};

const FEATURE_KINDS: Record<string, FeatureKind> = { w: 'word', b: 'pair', c: 'letters', k: 'concept' };

/** A feature as an editor reads it: "w:franchise" is the word, "c:<fra" letters at a word's start. */
function readFeature(feature: string, weight: number): TriedCandidate['features'][number] {
  const at = feature.indexOf(':');
  const kind = at > 0 ? (FEATURE_KINDS[feature.slice(0, at)] ?? 'other') : 'other';
  const raw = at > 0 ? feature.slice(at + 1) : feature;
  const text = kind === 'pair' ? raw.replace(/_/g, ' ') : kind === 'letters' ? raw.replace(/</g, '‹').replace(/>/g, '›') : raw;
  return { kind, text, weight };
}

export async function tryQuestion(
  deps: { library: Library; flows: ReadonlyMap<string, FlowDef>; actions: ActionService; now: Date; contentDir: string },
  request: { tenant: string; lang: Lang; q: string },
): Promise<Tried | undefined> {
  const { library } = deps;
  const tc = library.content.tenants.get(request.tenant);
  const model = library.understanding.tenants.get(request.tenant);
  if (!tc || !model) return undefined;
  const preview = await previewReply(deps, request.tenant, request.lang, request.q);
  if (!preview) return undefined;
  // Read in the language the chat answered in, so the explanation is the one behind the reply.
  const understood = understandMessage(library, request.tenant, preview.lang, request.q, { keepLang: true });
  if (!understood) return undefined;
  const lang = preview.lang;
  const { explanation, decision } = understood;

  const candidates = explanation.top.map((top): TriedCandidate => {
    const target = targetOfLabel(top.label);
    const entry = target?.kind === 'faq' ? tc.entries[lang].find((e) => e.id === target.id) : undefined;
    const name = entry ? entry.question : target?.kind === 'flow' ? library.t(lang, `flows:${target.flow}.title`, { tenant: request.tenant }) : undefined;
    const place = target ? whereToAdd({ contentDir: deps.contentDir, tenant: tc, lang }, target, request.q) : undefined;
    return {
      key: top.label,
      target,
      ...(name ? { name } : {}),
      ...(entry ? { url: `/${request.tenant}/${lang}/faq/${entry.id}` } : {}),
      p: top.p,
      features: top.features.map((f) => readFeature(f.feature, f.weight)),
      ...(place ? { place } : {}),
    };
  });

  // The decision weighs subjects: an entry and the flow that acts on it share one.
  const subjectOf = (t: EditTarget | undefined, key: string) =>
    t?.kind === 'faq' ? (model.handlerOf.get(t.id) ? `flow:${model.handlerOf.get(t.id)!.flow}` : key) : t?.kind === 'flow' ? `flow:${t.flow}` : key;
  const subjects = new Map<string, number>();
  for (const c of candidates) subjects.set(subjectOf(c.target, c.key), (subjects.get(subjectOf(c.target, c.key)) ?? 0) + c.p);
  const [first = 0, second = 0] = [...subjects.values()].sort((a, b) => b - a);

  const flowTitle = (id: string) => library.t(lang, `flows:${id}.title`, { tenant: request.tenant });
  const entryQuestion = (id: string) => tc.entries[lang].find((e) => e.id === id)?.question ?? id;
  const names =
    decision.kind === 'answer'
      ? { entry: entryQuestion(decision.entry), ...(decision.offer ? { offer: flowTitle(decision.offer.flow) } : {}) }
      : decision.kind === 'flow'
        ? { flow: flowTitle(decision.flow) }
        : {};
  return {
    lang,
    preview,
    decision,
    names,
    ...(explanation.decidedOn.trim() !== request.q.trim() ? { decidedOn: explanation.decidedOn } : {}),
    candidates,
    margin: first - second,
    ...(explanation.asking ? { fact: explanation.asking.fact, advice: explanation.asking.advice } : {}),
    thresholds: { confident: DECISION.confident, margin: DECISION.margin },
  };
}
