/**
 * A library worker: reads the content folder and builds, off the serving thread, what is costly to build
 * from it (each tenant's search indexes and understanding model, the models of how a message asks), for the parts
 * whose files changed only. It hands them over as plain data; the serving thread puts them together.
 */
import { parentPort } from 'node:worker_threads';
import { loadContent } from '../content/load.ts';
import { createParseCache } from '../content/parse-cache.ts';
import { LANGS, type Lang } from '../content/types.ts';
import { FLOWS, paramSchemas } from '../flows/index.ts';
import { createSearchService, vocabularies } from '../search/service.ts';
import { buildTenantIndex, type SavedIndex } from '../search/tenant-index.ts';
import { classifierData, tenantModelData, transferables } from '../understanding/handover.ts';
import { buildActOrFact, buildAdvice, buildTenantModel } from '../understanding/model.ts';
import { askingKey, tenantKeys } from './keys.ts';
import type { BuildRequest, WorkerMessage } from './messages.ts';

const port = parentPort;
if (!port) throw new Error('library worker: start this file as a worker thread');

// Files that did not change since the last build are not parsed again.
const cache = createParseCache();
const flowParams = paramSchemas(FLOWS.values());

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function build(req: BuildRequest): void {
  const { job } = req;
  const loaded = loadContent(req.contentDir, { flowParams, cache });
  if (!loaded.ok) return post({ type: 'refused', job, problems: loaded.problems });
  const { content, fingerprints } = loaded;
  const ids = [...content.tenants.keys()];
  const keys = tenantKeys(fingerprints);
  const vocabulary = vocabularies(content);
  post({
    type: 'plan',
    job,
    version: content.version,
    tenants: ids.map((id) => [id, keys.get(id)!]),
    synonyms: content.synonyms,
    intents: content.intents,
    understanding: content.understanding,
    vocabulary: Object.fromEntries(LANGS.map((l) => [l, [...vocabulary[l]]])) as Record<Lang, string[]>,
  });

  ids.forEach((id, i) => {
    if (i % req.share.n !== req.share.k || req.have[id] === keys.get(id)) return;
    const tc = content.tenants.get(id)!;
    const indexes = buildTenantIndex(tc, content.synonyms);
    // A search service over this tenant alone (with every tenant's words for language detection).
    const search = createSearchService(content, { indexes: new Map([[id, indexes]]), vocabulary, only: new Set([id]) });
    const model = tenantModelData(buildTenantModel(content, search, FLOWS, id));
    post(
      {
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
      },
      transferables(model.classifier),
    );
  });

  if (req.share.k === 0) {
    const key = askingKey(content, fingerprints);
    if (req.asking !== key) {
      const actOrFact = classifierData(buildActOrFact(content).state());
      const advice = classifierData(buildAdvice(content).state());
      post({ type: 'asking', job, key, actOrFact, advice }, [...transferables(actOrFact), ...transferables(advice)]);
    }
  }
  post({ type: 'done', job });
}

port.on('message', (req: BuildRequest) => {
  try {
    build(req);
  } catch (err) {
    post({ type: 'error', job: req.job, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
