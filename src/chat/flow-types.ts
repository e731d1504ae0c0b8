/** The declarative form of a guided flow: steps with text, choices, a validated input or an action to run. */
import { z } from 'zod';
import type { AccountView } from '../actions/types.ts';
import type { ActionService } from '../actions/service.ts';
import type { Lang, Tenant } from '../content/types.ts';

export type FlowContext = {
  tenant: Tenant;
  lang: Lang;
  /** Interface strings: flow texts live in the "flows" namespace of locales/. */
  t: (key: string, vars?: Record<string, unknown>) => string;
  now: Date;
  /** The signed-in person (token `sub`), or null for an anonymous visitor. */
  subject: string | null;
  account: () => Promise<AccountView | undefined>;
  /** Values collected so far in this run of the flow; steps may add to it. */
  data: Record<string, string>;
  actions: ActionService;
  /** Unique per conversation, flow run and step: the idempotency key of an action. */
  actionKey: (step: string) => string;
  /** Stores a contact request with the conversation's transcript; returns its reference. */
  submitContact: (form: { name: string; email: string; customerNumber?: string; topic: string; message: string }) => Promise<{ ok: true; reference: string } | { ok: false; limited?: boolean }>;
};

export type StepChoice = { id: string; label: string; next?: string; url?: string };

export type InputResult =
  | { ok: true; value: string }
  | {
      ok: false;
      error: string;
      /** A likely typo with its fix ("name@gmai.com" → "name@gmail.com"): the visitor picks one in a click. */
      didYouMean?: { value: string; typed: string };
    };

export type StepDef = {
  /** What the assistant says on this step. */
  text: (ctx: FlowContext) => string;
  choices?: (ctx: FlowContext) => StepChoice[];
  /** Free text the visitor types, validated before the flow moves on. */
  input?: { field: string; parse: (raw: string, ctx: FlowContext) => InputResult; next: string; kind?: 'text' | 'email' | 'tel' | 'textarea' };
  /** Runs on entering the step (an action), and names the step to show next. */
  run?: (ctx: FlowContext) => Promise<string>;
  /** The flow ends with this step. */
  end?: boolean;
  /** Shown as contact options (`escalate`) rather than a flow step: the flow hands over to people. */
  escalate?: boolean;
  /** The step's own answer is to call or write to support: a flow step that shows the contact details. */
  contact?: boolean;
};

export type FlowDef = {
  id: string;
  /**
   * The flow's parameters as a tenant sets them in its tenant.yaml (`flows: <id>: ...`); a tenant
   * that lists the flow offers it. Without a schema the flow takes no parameters.
   */
  params?: z.ZodType<Record<string, unknown>>;
  /**
   * Where to enter the flow when the visitor's message is closest to one of these FAQ entries
   * ("I forgot my contract number" enters login trouble at that step, not at its first question).
   */
  entryPoints?: Record<string, string>;
  /** The first step, chosen from what is known (signed in or not, the date...). */
  start: (ctx: FlowContext) => string | Promise<string>;
  steps: Record<string, StepDef>;
};

/** Whether a tenant offers a flow: it lists the flow in its tenant.yaml. */
export const offers = (tenant: Pick<Tenant, 'flows'>, flowId: string): boolean => Object.hasOwn(tenant.flows, flowId);

const NO_PARAMS = z.object({}).strict();

/** Each flow's parameter schema, for reading tenant.yaml: a flow without parameters takes none. */
export const paramSchemas = (flows: Iterable<Pick<FlowDef, 'id' | 'params'>>): ReadonlyMap<string, z.ZodType> =>
  new Map([...flows].map((f) => [f.id, f.params ?? NO_PARAMS]));
