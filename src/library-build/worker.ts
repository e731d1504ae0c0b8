/**
 * A library worker: reads the content folder and builds, off the serving thread, what is costly to build
 * from it (each tenant's search indexes and understanding model, the models of how a message asks), one
 * part at a time as the serving thread hands them out. It hands them over as plain data; the serving
 * thread puts them together.
 */
import { parentPort } from 'node:worker_threads';
import { loadContent } from '../content/load.ts';
import { createParseCache } from '../content/parse-cache.ts';
import { LANGS, type Content, type Lang } from '../content/types.ts';
import { FLOWS, paramSchemas } from '../flows/index.ts';
import { vocabularyOf } from '../search/language.ts';
import { createSearchService } from '../search/service.ts';
import { buildTenantIndex, type SavedIndex } from '../search/tenant-index.ts';
import { tenantModelData, transferables } from '../understanding/handover.ts';
import { buildActOrFact, buildAdvice, buildTenantModel } from '../understanding/model.ts';
import { askingKey, tenantKeys } from './keys.ts';
import type { AskingBuilt, PartId, TenantBuilt, WorkerMessage, WorkerRequest } from './messages.ts';
import { codeVersionOf, createPartCache, type PartCache } from './part-cache.ts';
import { yieldToServing } from './priority.ts';

const port = parentPort;
if (!port) throw new Error('library worker: start this file as a worker thread');

// On a busy machine the thread that serves visitors goes first: a build may take longer, a request not.
yieldToServing();

// Files that did not change since the last build are not parsed again.
const cache = createParseCache();
const flowParams = paramSchemas(FLOWS.values());

/** The content read for the current job, kept while its parts are built. */
let current: { job: number; content: Content; keys: Map<string, string>; asking: string; vocabulary: Record<Lang, Set<string>>; cache: PartCache | undefined } | undefined;

/** This worker's code version: what it learns is kept only as long as the code that learned it. */
const codeVersion = codeVersionOf(import.meta.url);

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function load(req: Extract<WorkerRequest, { type: 'load' }>): void {
  const { job } = req;
  current = undefined;
  const loaded = loadContent(req.contentDir, { flowParams, cache });
  if (!loaded.ok) return post({ type: 'refused', job, problems: loaded.problems });
  const { content, fingerprints } = loaded;
  const keys = tenantKeys(fingerprints);
  const vocabulary = vocabularyFrom(content, keys);
  current = { job, content, keys, asking: askingKey(content, fingerprints), vocabulary, cache: createPartCache(req.cacheDir, codeVersion) };
  post({
    type: 'plan',
    job,
    version: content.version,
    tenants: [...content.tenants.keys()].map((id) => [id, keys.get(id)!]),
    asking: current.asking,
    shared: req.full
      ? {
          synonyms: content.synonyms,
          intents: content.intents,
          understanding: content.understanding,
          vocabulary: Object.fromEntries(LANGS.map((l) => [l, [...vocabulary[l]].join('\n')])) as Record<Lang, string>,
        }
      : undefined,
  });
}

/** Each tenant's words (questions and alternates) per language, by the tenant's key: kept while it does not change. */
let tenantWords = new Map<string, Record<Lang, Set<string>>>();

/**
 * The words of every tenant and of the shared files, per language (what `vocabularies` gives), with each
 * tenant's words taken from the last build when its files did not change: an edit reads one tenant's
 * words again, not all of them.
 */
function vocabularyFrom(content: Content, keys: Map<string, string>): Record<Lang, Set<string>> {
  const kept = tenantWords;
  tenantWords = new Map();
  for (const [id, tc] of content.tenants) {
    const key = keys.get(id)!;
    tenantWords.set(key, kept.get(key) ?? (Object.fromEntries(LANGS.map((l) => [l, vocabularyOf(tc.entries[l].flatMap((e) => [e.question, ...e.alternates]))])) as Record<Lang, Set<string>>));
  }
  return Object.fromEntries(
    LANGS.map((l) => {
      const words = vocabularyOf([...content.synonyms[l].flat(), ...Object.values(content.intents[l]).flat(2)]);
      for (const own of tenantWords.values()) for (const w of own[l]) words.add(w);
      return [l, words];
    }),
  ) as Record<Lang, Set<string>>;
}

function build(job: number, part: PartId): void {
  if (current?.job !== job) throw new Error(`part of job ${job} asked, but job ${current?.job ?? 'none'} is loaded`);
  const { content, keys, vocabulary, cache } = current;
  if (part.kind === 'asking') {
    const name = `asking_${current.asking}`;
    const kept = cache?.read<AskingBuilt>(name);
    if (kept) return post({ ...kept, job });
    const actOrFact = buildActOrFact(content).state();
    const advice = buildAdvice(content).state();
    const built: AskingBuilt = { type: 'asking', job, key: current.asking, actOrFact, advice };
    // Kept before it is posted: posting moves the weights away.
    cache?.write(name, 'asking', built);
    return post(built, [...transferables(actOrFact), ...transferables(advice)]);
  }
  const { id } = part;
  const tc = content.tenants.get(id);
  if (!tc) throw new Error(`tenant ${id} is not in the content of job ${job}`);
  const name = `tenant-${id}_${keys.get(id)!}`;
  const kept = cache?.read<TenantBuilt>(name);
  if (kept) return post({ ...kept, job });
  const indexes = buildTenantIndex(tc, content.synonyms);
  // A search service over this tenant alone (with every tenant's words for language detection).
  const search = createSearchService(content, { indexes: new Map([[id, indexes]]), vocabulary, only: new Set([id]) });
  const model = tenantModelData(buildTenantModel(content, search, FLOWS, id));
  const built: TenantBuilt = {
    type: 'tenant',
    job,
    id,
    key: keys.get(id)!,
    content: {
      tenant: JSON.stringify(tc.tenant),
      triggers: JSON.stringify(tc.triggers),
      entries: Object.fromEntries(LANGS.map((l) => [l, JSON.stringify(tc.entries[l])])) as Record<Lang, string>,
    },
    indexes: Object.fromEntries(LANGS.map((l) => [l, indexes[l].saved()])) as Record<Lang, SavedIndex>,
    model,
  };
  cache?.write(name, `tenant-${id}`, built);
  post(built, transferables(model.classifier));
}

port.on('message', (req: WorkerRequest) => {
  try {
    if (req.type === 'load') load(req);
    else build(req.job, req.part);
  } catch (err) {
    post({ type: 'error', job: req.job, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
