/**
 * The library built on worker threads: the same as built on this thread (indexes, models and their
 * predictions), rebuilt only where files changed, refused with file and line on a broken file, and
 * swapped in whole while serving goes on.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.ts';
import { createParseCache } from '../../src/content/parse-cache.ts';
import { LANGS } from '../../src/content/types.ts';
import { FLOWS, paramSchemas } from '../../src/flows/index.ts';
import { createLibraryBuilder, type BuildResult } from '../../src/library-build/builder.ts';
import { loadLibrary, type Library } from '../../src/library.ts';
import { wordFeatureIds } from '../../src/understanding/features.ts';
import { buildApp, ROOT } from '../helpers/app.ts';

const dir = mkdtempSync(join(tmpdir(), 'library-build-'));
const contentDir = join(dir, 'content');
cpSync(join(ROOT, 'content'), contentDir, { recursive: true });
const dirs = { contentDir, localesDir: join(ROOT, 'locales') };
const builder = createLibraryBuilder(dirs, { workers: 2 });
afterAll(() => {
  builder.close();
  rmSync(dir, { recursive: true, force: true });
});

const ENTRY = join(contentDir, 'kpt/faq/login-code-card.fr.md');
const append = (file: string, text: string) => writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n\n${text}\n`);
const built = (r: BuildResult) => {
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  return r;
};

const QUESTIONS = ["j'ai perdu ma carte de code", 'Franchise ändern bis wann', 'non ricevo il codice SMS', 'je veux parler à quelqu’un', 'quel temps fait-il à Berne ?'];

describe('createLibraryBuilder', { timeout: 180_000 }, () => {
  let first: Library;

  it('builds what loading on this thread builds: content, search and the same predictions', async () => {
    const r = built(await builder.build());
    first = r.library;
    expect(r.rebuilt).toEqual(['atupri', 'kpt']);
    const here = loadLibrary(dirs);
    if (!here.ok) throw new Error('content');
    const local = here.library;
    expect(first.content.version).toBe(local.content.version);
    expect([...first.content.tenants.keys()]).toEqual([...local.content.tenants.keys()]);
    for (const tenant of first.content.tenants.keys()) {
      const a = first.understanding.tenants.get(tenant)!;
      const b = local.understanding.tenants.get(tenant)!;
      expect(a.labels).toEqual(b.labels);
      expect([...a.handlerOf]).toEqual([...b.handlerOf]);
      expect([...a.entryOf]).toEqual([...b.entryOf]);
      for (const lang of LANGS) {
        for (const q of QUESTIONS) {
          expect(a.features(q, lang)).toEqual(b.features(q, lang));
          expect([...a.classifier.predict(a.features(q, lang))]).toEqual([...b.classifier.predict(b.features(q, lang))]);
          expect(a.classifier.explain(a.featureNames(q, lang), 0)).toEqual(b.classifier.explain(b.featureNames(q, lang), 0));
          expect([...a.retrieve(q, lang)]).toEqual([...b.retrieve(q, lang)]);
          // The same hits in the same order; a score may differ in its last bit between the index the
          // worker hands over (serialised and loaded again) and one built here.
          const [hits, here] = [first, local].map((l) => l.search.search(tenant, lang, q, { prefix: true }));
          expect(hits!.map((h) => h.entry.id)).toEqual(here!.map((h) => h.entry.id));
          hits!.forEach((h, i) => expect(h.score).toBeCloseTo(here![i]!.score, 9));
        }
      }
    }
    const words = wordFeatureIds('je voudrais changer, bis wann?');
    expect([...first.understanding.actOrFact.predict(words)]).toEqual([...local.understanding.actOrFact.predict(words)]);
    expect([...first.understanding.advice.predict(words)]).toEqual([...local.understanding.advice.predict(words)]);
    expect(first.t('fr', 'errors.not_found', { tenant: 'kpt' })).toBe(local.t('fr', 'errors.not_found', { tenant: 'kpt' }));
  });

  it('rebuilds only the tenant whose file changed, and keeps the others as they were', async () => {
    append(ENTRY, 'Astuce : le tatou-baleine garde la carte.');
    const r = built(await builder.build());
    expect(r.rebuilt).toEqual(['kpt']);
    expect(r.library.content.version).not.toBe(first.content.version);
    expect(r.library.search.search('kpt', 'fr', 'tatou-baleine')[0]?.entry.id).toBe('login-code-card');
    expect(first.search.search('kpt', 'fr', 'tatou-baleine')).toEqual([]);
    // The other tenant's parts are the very same objects: nothing was built for it.
    expect(r.library.content.tenants.get('atupri')).toBe(first.content.tenants.get('atupri'));
    expect(r.library.search.indexes('atupri')).toBe(first.search.indexes('atupri'));
    expect(r.library.understanding.tenants.get('atupri')!.classifier).toBe(first.understanding.tenants.get('atupri')!.classifier);
    expect(r.library.understanding.actOrFact).toBe(first.understanding.actOrFact);
    expect(r.library.understanding.advice).toBe(first.understanding.advice);
    // Nothing changed: nothing is built.
    expect(built(await builder.build()).rebuilt).toEqual([]);
  });

  it('rebuilds every tenant when a shared file changes', async () => {
    append(join(contentDir, 'synonyms/fr.yaml'), '- [tatou-baleine, armadillo]');
    const r = built(await builder.build());
    expect(r.rebuilt).toEqual(['atupri', 'kpt']);
    expect(r.library.search.search('kpt', 'fr', 'armadillo')[0]?.entry.id).toBe('login-code-card');
  });

  it('refuses a broken file with its file and line, and builds again once it is fixed', async () => {
    const good = readFileSync(ENTRY, 'utf8');
    writeFileSync(ENTRY, good.replace(/^category: .*$/m, 'category: [login'));
    const r = await builder.build();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.some((p) => p.file.endsWith('login-code-card.fr.md') && typeof p.line === 'number')).toBe(true);
    writeFileSync(ENTRY, good);
    expect(built(await builder.build()).rebuilt).toEqual([]);
  });
});

describe('live reload through the workers', { timeout: 180_000 }, () => {
  it('serves the old content while the new one builds, then the new one', async () => {
    const own = mkdtempSync(join(tmpdir(), 'library-swap-'));
    cpSync(join(ROOT, 'content'), own, { recursive: true });
    const testApp = buildApp({ CONTENT_DIR: own });
    try {
      const search = async (q: string) => {
        const res = await testApp.app.request(`/api/search?tenant=kpt&lang=fr&q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        return ((await res.json()) as { results: { id: string }[] }).results;
      };
      append(join(own, 'kpt/faq/login-code-card.fr.md'), 'Astuce : le pangolin-girafe garde la carte.');
      const reload = testApp.reloadContent();
      let answeredMeanwhile = 0;
      let done = false;
      void reload.then(() => (done = true));
      while (!done) {
        // The old content keeps answering while the workers build.
        expect(await search('pangolin-girafe')).toEqual([]);
        answeredMeanwhile++;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await reload).toEqual({ ok: true });
      expect(answeredMeanwhile).toBeGreaterThan(3);
      expect((await search('pangolin-girafe'))[0]?.id).toBe('login-code-card');
    } finally {
      testApp.dispose();
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('the workers on a busy machine', { timeout: 180_000 }, () => {
  // Linux schedules threads one by one; elsewhere the workers keep the serving thread's priority.
  it.runIf(process.platform === 'linux')('run at a lower priority than the thread that serves', async () => {
    built(await builder.build());
    const nice = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threads = readdirSync('/proc/self/task').map((tid) => nice(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
    expect(threads.filter((n) => n === 10).length).toBeGreaterThanOrEqual(2);
    expect(nice(readFileSync('/proc/thread-self/stat', 'utf8'))).toBe(0);
  });
});

describe('loadContent with a parse cache', () => {
  it('reads the same content as without it, and sees a changed file', () => {
    const own = mkdtempSync(join(tmpdir(), 'parse-cache-'));
    cpSync(join(ROOT, 'content'), own, { recursive: true });
    try {
      const options = { flowParams: paramSchemas(FLOWS.values()) };
      const cache = createParseCache();
      const plain = loadContent(own, options);
      const cached = loadContent(own, { ...options, cache });
      expect(cached).toEqual(plain);
      append(join(own, 'atupri/faq', 'login-forgot-password.de.md'), 'Hinweis: das Gürteltier-Kamel.');
      const again = loadContent(own, { ...options, cache });
      if (!again.ok || !plain.ok) throw new Error('content');
      expect(again.content.tenants.get('atupri')!.entries.de.find((e) => e.id === 'login-forgot-password')?.plain).toContain('Gürteltier-Kamel');
      expect(again.fingerprints.tenants.get('atupri')).not.toBe(plain.fingerprints.tenants.get('atupri'));
      expect(again.fingerprints.tenants.get('kpt')).toBe(plain.fingerprints.tenants.get('kpt'));
      expect(again.fingerprints.shared).toBe(plain.fingerprints.shared);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('what the workers built, kept under DATA_DIR', { timeout: 180_000 }, () => {
  it('is read back by the next builder instead of being learned again, and a broken file is built anew', async () => {
    const cacheDir = join(dir, 'library-cache');
    const once = createLibraryBuilder(dirs, { workers: 1, cacheDir });
    try {
      built(await once.build());
    } finally {
      once.close();
    }
    const files = readdirSync(cacheDir).filter((f) => f.endsWith('.part'));
    expect(files.some((f) => f.startsWith('tenant-kpt_'))).toBe(true);
    expect(files.some((f) => f.startsWith('asking_'))).toBe(true);

    // The kept part is what the next builder serves: a question marked in the kept file shows up.
    const kpt = join(cacheDir, files.find((f) => f.startsWith('tenant-kpt_'))!);
    const part = deserialize(readFileSync(kpt)) as { content: { entries: Record<string, string> } };
    part.content.entries.fr = part.content.entries.fr!.replace(/Qu'est-ce qu'une carte de code.\?/u, 'Marked in the kept part');
    writeFileSync(kpt, serialize(part));
    // A part that cannot be read is built again.
    const atupri = join(cacheDir, files.find((f) => f.startsWith('tenant-atupri_'))!);
    writeFileSync(atupri, 'not a kept part');

    const again = createLibraryBuilder(dirs, { workers: 1, cacheDir });
    try {
      const lib = built(await again.build()).library;
      expect(lib.content.tenants.get('kpt')!.entries.fr.find((e) => e.id === 'login-code-card')!.question).toBe('Marked in the kept part');
      expect(lib.content.tenants.get('atupri')!.entries.fr.length).toBeGreaterThan(0);
    } finally {
      again.close();
    }
    // The broken one was written again, whole.
    expect(() => deserialize(readFileSync(atupri))).not.toThrow();
  });
});
