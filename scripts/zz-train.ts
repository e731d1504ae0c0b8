import { join } from 'node:path';
import { loadLibrary } from '/work/main/src/library.ts';
import { FLOWS } from '/work/main/src/flows/index.ts';
import { learnUnderstanding, buildTenantModel, buildActOrFact, buildAdvice } from '/work/main/src/understanding/model.ts';
const ROOT = process.argv[2] ?? '/work/main';
const loaded = loadLibrary({ contentDir: join(ROOT, 'content'), localesDir: join(ROOT, 'locales') });
if (!loaded.ok) throw new Error('load');
const lib = loaded.library;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  learnUnderstanding(lib.content, lib.search, FLOWS);
  const a = performance.now();
  for (const [id] of lib.content.tenants) buildTenantModel(lib.content, lib.search, FLOWS, id);
  const b = performance.now();
  buildActOrFact(lib.content); const c = performance.now();
  buildAdvice(lib.content); const d = performance.now();
  console.log(`all ${(a - t).toFixed(0)} tenants ${(b - a).toFixed(0)} actOrFact ${(c - b).toFixed(0)} advice ${(d - c).toFixed(0)}`);
}
