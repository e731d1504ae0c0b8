/**
 * What a tenant's assistant offers, said in the visitor's language: the topics it answers (the tenant's
 * FAQ categories) and the tasks it guides through (the flows offered to that tenant). Greetings and
 * "I did not understand" texts are built from it, so no insurer's assistant promises what it lacks.
 */
import type { Translate } from '../content/locales.ts';
import type { Content, Lang, Tenant } from '../content/types.ts';
import { offers, type FlowDef } from './flow-types.ts';

export type OfferedFlow = Pick<FlowDef, 'id'>;

/** Categories that are a way to reach people, not a topic the assistant answers. */
const NOT_TOPICS = new Set(['contact']);
/** The contact form is offered everywhere people are; it is not a task to advertise. */
const NOT_TASKS = new Set(['contact']);

const OR: Record<Lang, string> = { fr: 'ou', de: 'oder', it: 'o' };

/** "a, b ou c" */
export function joinOr(items: string[], lang: Lang): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${OR[lang]} ${items[items.length - 1]}`;
}

/** A category title inside a sentence: lower case in French and Italian, except names like "eBill". */
const inSentence = (title: string, lang: Lang) =>
  lang === 'de' || !/^\p{Lu}\p{Ll}/u.test(title) ? title : title.charAt(0).toLowerCase() + title.slice(1);

export function tenantVars(tenant: Tenant, lang: Lang, flows: Iterable<OfferedFlow>, t: Translate): Record<string, string> {
  const topics = tenant.categories.filter((c) => !NOT_TOPICS.has(c.id)).map((c) => inSentence(c.title[lang], lang));
  const tasks = [...flows].filter((f) => offers(tenant, f.id) && !NOT_TASKS.has(f.id)).map((f) => t(lang, `flows:${f.id}.offer`));
  return {
    portal: tenant.portal[lang],
    insurer: tenant.insurer[lang],
    team: tenant.support.name[lang],
    topics: topics.join(', '),
    tasks: joinOr(tasks, lang),
  };
}

/**
 * A translator that fills in the tenant's own words when the call names it (`{ tenant: 'acme' }`):
 * {{portal}}, {{insurer}}, {{team}}, {{topics}}, {{tasks}}. Values passed by the caller win.
 */
export function withTenantVars(t: Translate, content: Content, flows: Iterable<OfferedFlow>): Translate {
  const cache = new Map<string, Record<string, string>>();
  const list = [...flows];
  return (lang, key, vars) => {
    const id = vars?.tenant;
    const tc = typeof id === 'string' ? content.tenants.get(id) : undefined;
    if (!tc) return t(lang, key, vars);
    let own = cache.get(`${tc.tenant.id}/${lang}`);
    if (!own) {
      own = tenantVars(tc.tenant, lang, list, t);
      cache.set(`${tc.tenant.id}/${lang}`, own);
    }
    return t(lang, key, { ...own, ...vars });
  };
}
