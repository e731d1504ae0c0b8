/** Copies a fixture tree into a temporary folder and applies a few edits, so each test shows the one change it makes. */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/**
 * What to do with one file of the copy: a function rewrites its text (and must change it), a string
 * replaces it whole (or creates it), null deletes it.
 */
export type Edit = ((text: string) => string) | string | null;

const copies: string[] = [];

/**
 * @param fixture folder under test/fixtures/ to start from
 * @param edits file path inside the copy → edit
 * @param label names the temporary folder (`<label>-XXXXXX`), so a leftover copy says what it was for
 * @returns the path of the copy
 */
export function copyFixture(fixture: string, edits: Record<string, Edit> = {}, label = fixture): string {
  const source = join(FIXTURES, fixture);
  if (!existsSync(source)) throw new Error(`fixture-copy: no fixture "${fixture}" under ${FIXTURES}`);
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  copies.push(dir);
  cpSync(source, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const path = join(dir, file);
    if (edit === null) {
      if (!existsSync(path)) throw new Error(`fixture-copy: cannot delete ${file}, it is not in ${fixture}`);
      rmSync(path);
    } else if (typeof edit === 'string') {
      writeFileSync(path, edit);
    } else {
      if (!existsSync(path)) throw new Error(`fixture-copy: cannot edit ${file}, it is not in ${fixture}`);
      const before = readFileSync(path, 'utf8');
      const after = edit(before);
      // An edit that silently does nothing would make a "broken" fixture valid and the test meaningless.
      if (after === before) throw new Error(`fixture-copy: the edit of ${file} changed nothing`);
      writeFileSync(path, after);
    }
  }
  return dir;
}

/** An edit that replaces one exact piece of text, failing loudly when the text is not there. */
export const replace =
  (find: string, by: string) =>
  (text: string): string => {
    if (!text.includes(find)) throw new Error(`fixture-copy: "${find}" not found`);
    return text.replace(find, by);
  };

/** Deletes every copy made so far (call from afterAll). */
export function removeCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The 1-based line of the first occurrence of `needle` in a file of a copy. */
export function lineOf(dir: string, file: string, needle: string): number {
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`fixture-copy: "${needle}" not found in ${file}`);
  return i + 1;
}

/** A file of a copy as the loaders name it in their problems (relative to the working directory). */
export const shownPath = (dir: string, file: string): string => relative(process.cwd(), join(dir, file));
