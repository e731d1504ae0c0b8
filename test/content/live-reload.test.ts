import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Composed } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';
import { ROOT } from '../helpers/app.ts';

const TOKEN = 'editor-secret-for-tests-long-enough-to-keep';
const ENTRY = 'kpt/faq/login-code-card.fr.md';

let dir: string;
let composed: Composed;
const logLines: { level: number; msg: string; contentErrors?: string[] }[] = [];

/** Polls until `probe` gives a value (the watcher needs a moment after a save), or fails after the timeout. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`live reload: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const search = async (q: string) => {
  const res = await composed.app.request(`/api/search?${new URLSearchParams({ tenant: 'kpt', lang: 'fr', q })}`);
  return ((await res.json()) as { results: { id: string; answer: string }[] }).results;
};
const health = async () => (await (await composed.app.request('/healthz')).json()) as { status: string; contentVersion: string; contentErrors: number };
const page = async () => (await composed.app.request('/kpt/fr/faq/login-code-card')).text();
const entryFile = () => join(dir, 'content', ENTRY);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'live-reload-'));
  cpSync(join(ROOT, 'content'), join(dir, 'content'), { recursive: true });
  cpSync(join(ROOT, 'locales'), join(dir, 'locales'), { recursive: true });
  const parsed = parseConfig({
    DATA_DIR: join(dir, 'data'),
    CONTENT_DIR: join(dir, 'content'),
    LOCALES_DIR: join(dir, 'locales'),
    WATCH_CONTENT: 'true',
    EDITOR_TOKEN: TOKEN,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const result = compose(parsed.config, { logger: pino({ level: 'info' }, sink) });
  if (!result.ok) throw new Error(result.errors.join('\n'));
  composed = result.composed;
  // The first reload waits for the library workers to load their code; an unchanged folder rebuilds nothing.
  expect(await composed.reloadContent()).toEqual({ ok: true });
}, 120_000);

afterAll(() => {
  composed?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live reload of content/ and locales/', { timeout: 60_000 }, () => {
  it('serves a changed answer without a restart', async () => {
    expect((await search('zébroquokka')).length).toBe(0);
    const before = await health();
    writeFileSync(entryFile(), `${readFileSync(entryFile(), 'utf8').trimEnd()}\n\nAstuce : gardez la carte avec le zébroquokka.\n`);

    const hits = await until('the new answer in search', async () => {
      const results = await search('zébroquokka');
      return results.length ? results : undefined;
    });
    expect(hits[0]!.id).toBe('login-code-card');
    expect(await page()).toContain('zébroquokka');
    const after = await health();
    expect(after.contentVersion).not.toBe(before.contentVersion);
    expect(after.contentErrors).toBe(0);
  });

  it('keeps the last good content serving when a file breaks, and shows why', async () => {
    const good = readFileSync(entryFile(), 'utf8');
    const version = (await health()).contentVersion;
    writeFileSync(entryFile(), good.replace(/^category: .*$/m, 'category: [login').replace('zébroquokka', 'okapiwombat'));

    const broken = await until('the error in /healthz', async () => {
      const h = await health();
      return h.contentErrors ? h : undefined;
    });
    expect(broken.status).toBe('ok');
    expect(broken.contentVersion).toBe(version);
    expect(broken.contentErrors).toBe(1);
    // Anyone may read /healthz: it counts the problems but names no file or folder.
    expect(JSON.stringify(broken)).not.toContain(dir);
    expect(JSON.stringify(broken)).not.toMatch(/\.md|content\//);

    // The old answer still serves; the half-edited one does not.
    expect((await search('zébroquokka'))[0]?.id).toBe('login-code-card');
    expect(await search('okapiwombat')).toEqual([]);
    expect(await page()).toContain('zébroquokka');

    // The log says it, file:line: message.
    const warning = logLines.find((l) => l.level === 40 && l.contentErrors?.length);
    expect(warning?.msg).toMatch(/keeps serving:\n.*login-code-card\.fr\.md:\d+: YAML/);

    // The editor status page says it too.
    const status = await (await composed.app.request('/editor/status', { headers: { authorization: `Bearer ${TOKEN}`, 'accept-language': 'de-CH' } })).text();
    expect(status).toContain('Die letzte Änderung konnte nicht geladen werden');
    expect(status).toMatch(/login-code-card\.fr\.md:\d+: YAML/);
  });

  it('clears the error once the file is fixed, and serves the fixed answer', async () => {
    writeFileSync(entryFile(), readFileSync(entryFile(), 'utf8').replace('category: [login', 'category: login'));
    const fixed = await until('the error to clear', async () => {
      const h = await health();
      return h.contentErrors ? undefined : h;
    });
    expect(fixed.contentErrors).toBe(0);
    expect((await search('okapiwombat'))[0]?.id).toBe('login-code-card');
    expect(await search('zébroquokka')).toEqual([]);
  });

  it('picks up a changed interface string from locales/', async () => {
    const file = join(dir, 'locales', 'fr', 'common.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.help.backHome = 'Toutes les questions fréquentes';
    writeFileSync(file, JSON.stringify(json, null, 2));
    const html = await until('the new string', async () => {
      const text = await page();
      return text.includes('Toutes les questions fréquentes') ? text : undefined;
    });
    expect(html).toContain('Toutes les questions fréquentes');
  });

  it('picks up a new entry in a new file', async () => {
    const source = readFileSync(entryFile(), 'utf8');
    for (const lang of ['fr', 'de', 'it']) {
      const text = source.replace(/^question: .*$/m, `question: Question de test ${lang} girafonaute`).replace(/^related: .*$/m, 'related: []');
      writeFileSync(join(dir, 'content', 'kpt', 'faq', `test-live-entry.${lang}.md`), text);
    }
    const hits = await until('the new entry', async () => {
      const results = await search('girafonaute');
      return results.length ? results : undefined;
    });
    expect(hits[0]!.id).toBe('test-live-entry');
  });

  it('keeps watching through a rename-style deploy, and after the folder is moved away and back', async () => {
    const content = join(dir, 'content');
    // Deploy: the new release is prepared beside the old one, then swapped in by two renames.
    cpSync(content, `${content}.new`, { recursive: true });
    const released = join(`${content}.new`, ENTRY);
    writeFileSync(released, `${readFileSync(released, 'utf8').trimEnd()}\n\nNouveau : le pangolinophone.\n`);
    renameSync(content, `${content}.old`);
    renameSync(`${content}.new`, content);
    await until('the deployed answer', async () => ((await search('pangolinophone'))[0]?.id === 'login-code-card' ? true : undefined));

    // The swapped-in folder is watched, not the old one that was moved aside.
    writeFileSync(entryFile(), readFileSync(entryFile(), 'utf8').replace('pangolinophone', 'axolotlophone'));
    await until('an edit after the deploy', async () => ((await search('axolotlophone'))[0]?.id === 'login-code-card' ? true : undefined));

    // Moved away and back (a restore): edits are still picked up.
    renameSync(content, `${content}.away`);
    await new Promise((r) => setTimeout(r, 400));
    renameSync(`${content}.away`, content);
    await new Promise((r) => setTimeout(r, 400));
    writeFileSync(entryFile(), readFileSync(entryFile(), 'utf8').replace('axolotlophone', 'ornithorynquophone'));
    await until('an edit after moving back', async () => ((await search('ornithorynquophone'))[0]?.id === 'login-code-card' ? true : undefined));
  });
});

describe('live reload off', () => {
  it('does not watch when WATCH_CONTENT is false, and close() stops watching', async () => {
    const own = mkdtempSync(join(tmpdir(), 'live-reload-off-'));
    try {
      cpSync(join(ROOT, 'content'), join(own, 'content'), { recursive: true });
      const parsed = parseConfig({ DATA_DIR: join(own, 'data'), CONTENT_DIR: join(own, 'content'), LOCALES_DIR: join(ROOT, 'locales'), WATCH_CONTENT: 'false', LOG_LEVEL: 'silent' });
      if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
      const result = compose(parsed.config);
      if (!result.ok) throw new Error(result.errors.join('\n'));
      const file = join(own, 'content', ENTRY);
      writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n\nmot-témoin-lémurien\n`);
      await new Promise((r) => setTimeout(r, 600));
      const res = await result.composed.app.request('/api/search?tenant=kpt&lang=fr&q=l%C3%A9murien');
      expect(((await res.json()) as { results: unknown[] }).results).toEqual([]);
      // An explicit reload still works (the same code path the watcher takes).
      expect(await result.composed.reloadContent()).toEqual({ ok: true });
      const again = await result.composed.app.request('/api/search?tenant=kpt&lang=fr&q=l%C3%A9murien');
      expect(((await again.json()) as { results: { id: string }[] }).results[0]?.id).toBe('login-code-card');
      result.composed.close();
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 120_000);
});
