/**
 * Builds the library on worker threads, so that serving never waits on it: the workers read the content
 * and build each tenant's indexes and model, a part at a time to whichever worker is free (every core
 * busy until the last part at start-up); this thread loads each tenant's parts as they arrive, in short
 * steps with a turn of the event loop between them, and puts the library together at the end. A tenant
 * whose files (and the shared files) did not change since the last build keeps its parts: an edit in
 * one tenant rebuilds that tenant alone, an edit of the synonyms, intents or understanding files
 * rebuilds all.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { withTenantVars, type OfferedFlow } from '../chat/offer.ts';
import type { Fingerprints } from '../content/load.ts';
import { loadLocales } from '../content/locales.ts';
import { LANGS, type Content, type ContentProblem, type FaqEntry, type Lang, type Localized, type TenantContent } from '../content/types.ts';
import { FLOWS } from '../flows/index.ts';
import type { Library } from '../library.ts';
import { createSearchService } from '../search/service.ts';
import { buildLangIndex, type LangIndex } from '../search/tenant-index.ts';
import { hydrateTenantModel, retrieverOf } from '../understanding/handover.ts';
import { genericWords, namesIn, type TenantModel, type Understanding } from '../understanding/model.ts';
import { softmaxFromState, type SoftmaxModel } from '../understanding/softmax.ts';
import { workerScript } from './bundle.ts';
import { askingKey, tenantKeys } from './keys.ts';
import type { PartId, Plan, SharedData, TenantBuilt, WorkerMessage, WorkerRequest } from './messages.ts';

export type BuilderOptions = {
  /** Worker threads; the cores of the machine when omitted (at most 4). */
  workers?: number;
  now?: () => Date;
  flows?: Iterable<OfferedFlow>;
  /** Where the workers keep what they built, to read it back after a restart (see part-cache.ts). */
  cacheDir?: string;
};

/** What a build gives: the library, or the problems that kept it from being built. */
export type BuildResult =
  | { ok: true; library: Library; /** The tenants built anew (the others kept their parts). */ rebuilt: string[] }
  | { ok: false; problems: ContentProblem[] };

export type LibraryBuilder = {
  /** Builds the library from the folders as they are now; builds run one after the other. */
  build(): Promise<BuildResult>;
  /** Starts the workers now rather than at the first build. */
  start(): void;
  /** Takes the parts of a library built on this thread (`loadLibrary`), so the next build keeps what did not change. */
  seed(library: Library, fingerprints: Fingerprints): void;
  /** Ends the workers. */
  close(): void;
};

type TenantPart = { key: string; content: TenantContent; indexes: Localized<LangIndex>; model: Omit<TenantModel, 'retrieve'> };

/** Builds that found the folder changed under them (workers that read different versions) are run again this many times. */
const ATTEMPTS = 3;

/** The next turn of the event loop: what is waiting to be served goes first. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function createLibraryBuilder(dirs: { contentDir: string; localesDir: string }, options: BuilderOptions = {}): LibraryBuilder {
  const now = options.now ?? (() => new Date());
  const flows = [...(options.flows ?? FLOWS.values())];
  const count = Math.max(1, options.workers ?? Math.min(4, availableParallelism()));
  const parts = new Map<string, TenantPart>();
  let asking: { key: string; actOrFact: SoftmaxModel; advice: SoftmaxModel } | undefined;
  let workers: Promise<Worker[]> | undefined;
  let jobs = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  /** Starts the workers (they load their code at once, so the first build does not wait for it). */
  const spawn = (): Promise<Worker[]> => {
    workers ??= workerScript().then((script) =>
      Array.from({ length: count }, () => {
        const w = new Worker(script);
        w.unref();
        return w;
      }),
    );
    return workers;
  };
  const terminate = () => {
    void workers?.then((pool) => pool.forEach((w) => void w.terminate()));
    workers = undefined;
  };

  /**
   * One attempt: the workers read the folder; the parts to build (the tenants whose key changed, the
   * models of how a message asks when theirs did) are then handed out one at a time to whichever worker
   * is free, the costliest first, and loaded here as they arrive. Says which version the workers read.
   */
  const attempt = async (): Promise<{ ok: true; plan: Plan; shared: SharedData; rebuilt: string[] } | { ok: false; problems: ContentProblem[] } | { ok: 'retry' }> => {
    const job = ++jobs;
    const pool = await spawn();
    if (closed) throw new Error('library builder: closed');
    const plans: Plan[] = [];
    let shared: SharedData | undefined;
    const rebuilt: string[] = [];
    // The parts still to hand out (set from the first plan) and the workers waiting for one.
    let todo: PartId[] | undefined;
    const idle: Worker[] = [];
    let building = 0;
    /** Workers asked to read the folder; the first one's plan carries the shared data. */
    let asked = 0;
    const load = (w: Worker) => {
      const req: WorkerRequest = { type: 'load', job, contentDir: dirs.contentDir, full: asked++ === 0, cacheDir: options.cacheDir };
      w.postMessage(req);
    };
    // Each tenant's parts are loaded in a turn of their own, in the order they arrive.
    let loading: Promise<void> = Promise.resolve();
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (outcome: Parameters<typeof resolve>[0] | Error) => {
        if (settled) return;
        settled = true;
        for (const w of pool) {
          w.off('message', handlers.get(w)!);
          w.off('error', failed);
          w.off('exit', exited);
        }
        if (outcome instanceof Error) reject(outcome);
        else resolve(outcome);
      };
      const failed = (err: Error) => {
        terminate();
        finish(new Error(`library worker failed: ${err.message}`));
      };
      const exited = (code: number) => failed(new Error(`exited with code ${code}`));
      /** Hands the next part to each free worker; once all are built and loaded, the attempt is over. */
      const dispatch = () => {
        if (!todo) return;
        while (idle.length && todo.length) {
          building++;
          const req: WorkerRequest = { type: 'part', job, part: todo.shift()! };
          idle.shift()!.postMessage(req);
        }
        if (todo.length || building || plans.length < asked) return;
        loading.then(
          () => {
            // Workers that read different versions of the folder: it changed meanwhile, build again.
            const versions = new Set(plans.map((p) => p.version));
            finish(versions.size === 1 && shared ? { ok: true, plan: plans[0]!, shared, rebuilt } : { ok: 'retry' });
          },
          (err: Error) => finish(err),
        );
      };
      const handlers = new Map<Worker, (m: WorkerMessage) => void>();
      for (const w of pool) {
        const onMessage = (m: WorkerMessage) => {
          if (m.job !== job || settled) return;
          switch (m.type) {
            case 'plan':
              plans.push(m);
              idle.push(w);
              if (!m.shared) break;
              // The parts are handed out once the shared data is here, which loading them needs.
              shared = m.shared;
              // The costliest part first (the models of how a message asks learn from every tenant).
              todo = [
                ...(asking?.key === m.asking ? [] : [{ kind: 'asking' } as const]),
                ...m.tenants.filter(([id, key]) => parts.get(id)?.key !== key).map(([id]) => ({ kind: 'tenant', id }) as const),
              ];
              // More than one part: the other workers read the folder too and take their share.
              if (todo.length > 1) pool.slice(asked).forEach(load);
              break;
            case 'tenant': {
              building--;
              idle.push(w);
              const synonyms = shared!.synonyms;
              loading = loading.then(async () => {
                parts.set(m.id, await hydrate(m, synonyms));
                rebuilt.push(m.id);
              });
              break;
            }
            case 'asking':
              building--;
              idle.push(w);
              loading = loading.then(() => {
                asking = { key: m.key, actOrFact: softmaxFromState(m.actOrFact), advice: softmaxFromState(m.advice) };
              });
              break;
            case 'refused':
              return finish({ ok: false, problems: m.problems });
            case 'error':
              return finish(new Error(`library worker: ${m.message}`));
          }
          dispatch();
        };
        handlers.set(w, onMessage);
        w.on('message', onMessage);
        w.on('error', failed);
        w.on('exit', exited);
      }
      // The first build reads the folder on every worker at once: there is a part for each. A later one
      // reads it on one worker first, and on the others only when there is more than one part to build
      // (an edit of one tenant's file is one part: the other workers need not read the whole folder).
      if (parts.size === 0) pool.forEach(load);
      else load(pool[0]!);
    });
  };

  const run = async (): Promise<BuildResult> => {
    if (closed) throw new Error('library builder: closed');
    for (let i = 0; i < ATTEMPTS; i++) {
      const outcome = await attempt();
      if (outcome.ok === 'retry') continue;
      if (!outcome.ok) return outcome;
      const { plan, shared } = outcome;
      // Every tenant must now have the parts of the version read; else the folder changed: build again.
      if (!plan.tenants.every(([id, key]) => parts.get(id)?.key === key) || asking?.key !== plan.asking) continue;
      for (const id of parts.keys()) if (!plan.tenants.some(([t]) => t === id)) parts.delete(id);
      await nextTurn();
      const locales = loadLocales(dirs.localesDir);
      if (!locales.ok) return { ok: false, problems: locales.problems };
      await nextTurn();
      return { ok: true, library: assemble(plan, shared, locales.t), rebuilt: outcome.rebuilt.sort() };
    }
    return { ok: false, problems: [{ file: dirs.contentDir, message: `the content kept changing while it was being loaded (${ATTEMPTS} attempts); the next change loads it again` }] };
  };

  const assemble = (plan: Plan, shared: SharedData, t: Parameters<typeof withTenantVars>[0]): Library => {
    const tenants = new Map(plan.tenants.map(([id]) => [id, parts.get(id)!]));
    const content: Content = {
      tenants: new Map([...tenants].map(([id, p]) => [id, p.content])),
      synonyms: shared.synonyms,
      intents: shared.intents,
      understanding: shared.understanding,
      version: plan.version,
    };
    const vocabulary = Object.fromEntries(LANGS.map((l) => [l, new Set(shared.vocabulary[l] ? shared.vocabulary[l].split('\n') : [])])) as Record<Lang, Set<string>>;
    const search = createSearchService(content, { indexes: new Map([...tenants].map(([id, p]) => [id, p.indexes])), vocabulary });
    const understanding: Understanding = {
      // A kept model ranks with the new search service (the language detection knows the new words).
      tenants: new Map([...tenants].map(([id, p]) => [id, { ...p.model, retrieve: retrieverOf(id, search) }])),
      actOrFact: asking!.actOrFact,
      advice: asking!.advice,
      about: Object.fromEntries(LANGS.map((l) => [l, shared.understanding[l].about])) as Record<Lang, string[]>,
      generic: genericWords(shared),
      otherCompanies: namesIn(shared, 'otherCompanies'),
      us: namesIn(shared, 'us'),
      version: plan.version,
    };
    return { content, t: withTenantVars(t, content, flows), search, understanding, loadedAt: now().toISOString() };
  };

  return {
    build() {
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
    start() {
      void spawn();
    },
    seed(library, fingerprints) {
      const keys = tenantKeys(fingerprints);
      for (const [id, content] of library.content.tenants) {
        const indexes = library.search.indexes(id);
        const model = library.understanding.tenants.get(id);
        if (indexes && model && keys.has(id)) parts.set(id, { key: keys.get(id)!, content, indexes, model });
      }
      asking = { key: askingKey(library.content, fingerprints), actOrFact: library.understanding.actOrFact, advice: library.understanding.advice };
    },
    close() {
      closed = true;
      terminate();
    },
  };
}

/**
 * A tenant's parts from a worker, in short steps with a turn of the event loop between them: its content
 * parsed piece by piece, each language's analyzer and index (loaded from JSON, not indexed again), the
 * model's features.
 */
async function hydrate(m: TenantBuilt, synonyms: SharedData['synonyms']): Promise<TenantPart> {
  await nextTurn();
  const tenant = JSON.parse(m.content.tenant) as TenantContent['tenant'];
  const triggers = JSON.parse(m.content.triggers) as TenantContent['triggers'];
  const entries = {} as TenantContent['entries'];
  const indexes = {} as Localized<LangIndex>;
  for (const l of LANGS) {
    await nextTurn();
    entries[l] = JSON.parse(m.content.entries[l]) as FaqEntry[];
    await nextTurn();
    indexes[l] = buildLangIndex(entries[l], l, synonyms[l], m.indexes[l]);
  }
  const model = hydrateTenantModel(m.model, indexes);
  return { key: m.key, content: { tenant, triggers, entries }, indexes, model };
}
