/** Drives the running server with autocannon: one route at a time, or a mix for the load and memory runs. */
import autocannon from 'autocannon';
import type { EvalCase } from '../src/evaluation/cases.ts';
import { chatBody, cycle, searchPath } from './workload.ts';

export type RouteName = 'healthz' | 'search' | 'chat (new)' | 'chat (follow-up)';

export type RunResult = {
  route: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
};

type Request = { method: string; path: string; headers?: Record<string, string>; body?: string };
type Conversation = { id: string; tenant: string; lang: string | undefined };

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The request makers of each route, over the case files' questions. */
export function routes(cases: EvalCase[], conversations: Conversation[]): Record<RouteName, () => Request> {
  const answerable = cases.filter((c) => c.kind === 'answer' || c.kind === 'any');
  const nextSearch = cycle(answerable);
  const nextNew = cycle(cases);
  const nextConversation = cycle(conversations);
  const byTenant = new Map<string, () => EvalCase>();
  for (const t of new Set(cases.map((c) => c.tenant))) byTenant.set(t, cycle(cases.filter((c) => c.tenant === t)));
  return {
    healthz: () => ({ method: 'GET', path: '/healthz' }),
    search: () => ({ method: 'GET', path: searchPath(nextSearch()) }),
    'chat (new)': () => ({ method: 'POST', path: '/api/chat', headers: JSON_HEADERS, body: chatBody(nextNew()) }),
    'chat (follow-up)': () => {
      const conv = nextConversation();
      const c = byTenant.get(conv.tenant)!();
      return { method: 'POST', path: '/api/chat', headers: JSON_HEADERS, body: chatBody({ ...c, lang: (conv.lang as EvalCase['lang']) ?? c.lang }, conv.id) };
    },
  };
}

export async function run(base: string, label: string, make: () => Request, opts: { connections: number; duration?: number; amount?: number }): Promise<RunResult> {
  const result = await autocannon({
    url: base,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 5 }),
    timeout: 10,
    requests: [
      {
        method: 'GET',
        path: '/healthz',
        setupRequest: (req: Record<string, unknown>) => {
          const r = make();
          return { ...req, method: r.method, path: r.path, headers: r.headers ?? {}, body: r.body };
        },
      },
    ],
  } as unknown as autocannon.Options);
  return {
    route: label,
    connections: opts.connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** A mix of routes by weight: the load test and the memory run. */
export function mix(parts: [() => Request, number][]): () => Request {
  const wheel = parts.flatMap(([make, weight]) => Array.from({ length: weight }, () => make));
  const next = cycle(wheel);
  return () => next()();
}
