/**
 * `npm run openapi`: writes the two OpenAPI documents generated from the zod schemas to openapi/, where
 * integrators find them without running the service. A test fails when the files lag behind the code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildBackendDocument } from '../src/openapi/backend.ts';
import { buildPublicDocument } from '../src/openapi/public.ts';

export const OPENAPI_DIR = fileURLToPath(new URL('../openapi/', import.meta.url));
export const serialize = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(OPENAPI_DIR, { recursive: true });
  writeFileSync(`${OPENAPI_DIR}public.json`, serialize(buildPublicDocument()));
  writeFileSync(`${OPENAPI_DIR}backend.json`, serialize(buildBackendDocument()));
  console.log('wrote openapi/public.json and openapi/backend.json');
}
