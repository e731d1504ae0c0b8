/**
 * Keys of what is built from the content: equal keys, equal parts. A tenant's indexes and model are built
 * from its folder, the shared files (synonyms, intents, understanding) and the flows; the models of how
 * a message asks from every tenant's triggers, questions and alternates, and the shared files.
 */
import { createHash } from 'node:crypto';
import type { Fingerprints } from '../content/load.ts';
import type { Content } from '../content/types.ts';
import { FLOWS } from '../flows/index.ts';

const digest = (...parts: string[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
};

// Other flows (another release) make other models.
const FLOWS_KEY = [...FLOWS.keys()].join(',');

export const tenantKeys = (fingerprints: Fingerprints): Map<string, string> =>
  new Map([...fingerprints.tenants].map(([id, fp]) => [id, digest(fp, fingerprints.shared, FLOWS_KEY)]));

export const askingKey = (content: Content, fingerprints: Fingerprints): string =>
  digest(
    JSON.stringify([...content.tenants.values()].map((tc) => [tc.triggers, Object.values(tc.entries).map((es) => es.map((e) => [e.question, e.alternates]))])),
    fingerprints.shared,
  );
