/**
 * A flow's question answered by typing instead of pressing: the label of an offered button typed or
 * nearly typed, its position ("the second one"), "yes" to a step's one confirming button, the one button
 * whose amount the message names; and a value for the step's field found inside a sentence ("mon numéro
 * de contrat est KPT 1234 5678").
 */
import { distance } from 'fastest-levenshtein';
import type { DialogueWords } from '../content/types.ts';
import { fold, words } from '../search/fold.ts';
import type { FlowContext, InputResult, StepDef } from './flow-types.ts';

export type OfferedButton = { id: string; label: string; /** Goes on in the flow (not a link, not back or cancel). */ step: boolean };

/** Words of a label or message, folded, for comparing what was typed with what was offered. */
const wordsOf = (text: string) => words(fold(text));

/** Two words are the same when typed with a slip: one letter off in a word of five letters or more. */
const sameWord = (a: string, b: string) => a === b || (a.length >= 5 && b.length >= 5 && distance(a, b) <= 1);

/** Share of words the two have in common (Dice), with slips forgiven. */
function overlap(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  const left = [...b];
  let common = 0;
  for (const w of a) {
    const i = left.findIndex((x) => sameWord(w, x));
    if (i >= 0) {
      common++;
      left.splice(i, 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

/** How close a typed text must be to a label to press it, and how far ahead of the next label. */
const LABEL_MATCH = 0.75;
const LABEL_LEAD = 0.15;
/** Short answers only: a sentence that happens to contain "oui" is not an answer to the question. */
const SHORT_ANSWER = 4;

/** The offered button the typed text presses, if any. */
export function typedButton(text: string, buttons: readonly OfferedButton[], dialogue: DialogueWords): string | undefined {
  const typed = wordsOf(text);
  if (!typed.length || !buttons.length) return undefined;
  // The label itself, typed or nearly typed.
  const scored = buttons.map((b) => ({ b, s: overlap(typed, wordsOf(b.label)) })).sort((x, y) => y.s - x.s);
  const [best, next] = scored;
  if (best && best.s >= LABEL_MATCH && best.s - (next?.s ?? 0) >= LABEL_LEAD) return best.b.id;
  const steps = buttons.filter((b) => b.step);
  // The one button whose amount the message names ("la voglio abbassare a 300 franchi" → "CHF 300").
  const numbers = text.match(/\d[\d'’ ]*\d|\d/g)?.map((n) => n.replace(/\D/g, '')) ?? [];
  if (numbers.length === 1) {
    const named = steps.filter((b) => (b.label.match(/\d[\d'’ ]*\d|\d/g) ?? []).some((n) => n.replace(/\D/g, '') === numbers[0]));
    if (named.length === 1) return named[0]!.id;
  }
  if (typed.length > SHORT_ANSWER) return undefined;
  // Its position: "the second one", "la deuxième", "2".
  const position = dialogue.ordinals.findIndex((names) => names.some((n) => containsWords(typed, wordsOf(n))));
  const digit = typed.length === 1 && /^[1-9]$/.test(typed[0]!) ? Number(typed[0]) - 1 : -1;
  const at = position >= 0 ? position : digit;
  if (at >= 0 && at < steps.length) return steps[at]!.id;
  // "Yes" to a step that asks to confirm one thing; "no" to it is cancelling.
  const whole = typed.join(' ');
  const isAny = (list: readonly string[]) => list.some((p) => wordsOf(p).join(' ') === whole);
  if (steps.length === 1 && isAny(dialogue.affirm)) return steps[0]!.id;
  if (steps.length === 1 && isAny(dialogue.deny)) return buttons.find((b) => b.id === 'cancel')?.id;
  return undefined;
}

const containsWords = (ws: string[], phrase: string[]) => phrase.length > 0 && ws.some((_, i) => phrase.every((p, j) => ws[i + j] === p));

/** Parts of a message that may be the value asked for: e-mail addresses, numbers however grouped. */
export function valueCandidates(text: string): string[] {
  const out: string[] = [];
  // "jean . dupont @ bluewin . ch" is still one address.
  const squeezed = text.replace(/\s*([@.])\s*(?=\S+@|\S*\.\w)/g, '$1').replace(/\s*@\s*/g, '@');
  for (const m of squeezed.matchAll(/[^\s@,;:()<>"']+@[^\s@,;:()<>"']+\.[\p{L}]{2,}/gu)) out.push(m[0]);
  // A number with an optional short prefix of letters ("KPT 1234 5678", "756.1234.5678.97", "+41 79 123 45 67").
  for (const m of text.matchAll(/(?:\b[\p{L}]{2,4}[\s.-]?)?\+?\d[\d\s.\-/]{3,}\d/gu)) {
    out.push(m[0].trim());
    const digitsOnly = m[0].match(/\+?\d[\d\s.\-/]*\d/)?.[0];
    if (digitsOnly && digitsOnly !== m[0].trim()) out.push(digitsOnly);
  }
  return [...new Set(out)];
}

export type SlotReading = InputResult & {
  /** Some part of the message looked like a value of this kind: a refusal is about it, not a new question. */
  looked: boolean;
};

/** The value for the step's field: the whole message, else a part of it that parses. */
export function readSlot(text: string, input: NonNullable<StepDef['input']>, ctx: FlowContext): SlotReading {
  const whole = input.parse(text, ctx);
  if (whole.ok || whole.didYouMean) return { ...whole, looked: true };
  // Free text (a name, a message) is taken whole or not at all.
  if (input.kind === 'textarea' || input.field === 'name') return { ...whole, looked: false };
  let refused: InputResult | undefined;
  for (const candidate of valueCandidates(text)) {
    const r = input.parse(candidate, ctx);
    if (r.ok || r.didYouMean) return { ...r, looked: true };
    refused ??= r;
  }
  return { ...(refused ?? whole), looked: refused !== undefined } as SlotReading;
}
