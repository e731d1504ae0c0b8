/** Parses YAML and checks it with a zod schema, reporting each problem at the line it is on. */
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, type Document } from 'yaml';
import type { z } from 'zod';
import type { ContentProblem } from './types.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: ContentProblem[] };

/**
 * @param lineOffset lines before `source` in the file (front matter starts after the opening `---`).
 */
export function parseYaml<S extends z.ZodType>(
  source: string,
  schema: S,
  file: string,
  lineOffset = 0,
): Parsed<z.output<S>> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + lineOffset;
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        file,
        line: lineOf(e.pos[0]),
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const result = schema.safeParse(doc.toJS() ?? {});
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      // Point at the deepest node that exists on the issue's path.
      let line = lineOffset + 1;
      // An unknown key is shown at its own line, not at its parent's.
      const path = (issue.code === 'unrecognized_keys' && issue.keys.length ? [...issue.path, issue.keys[0]!] : issue.path) as (string | number)[];
      for (let depth = path.length; depth >= 0; depth--) {
        const node = keyOrNode(doc, path.slice(0, depth));
        if (isNode(node) && node.range) {
          line = lineOf(node.range[0]);
          break;
        }
      }
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      return { file, line, message: `${where}${issue.message}` };
    }),
  };
}

/** The node at a path, or the key of an entry whose value is empty ("registration:" has no value node). */
function keyOrNode(doc: Document, path: (string | number)[]): unknown {
  const node = doc.getIn(path, true);
  if (isNode(node) && node.range) return node;
  if (path.length === 0) return node;
  const parent = doc.getIn(path.slice(0, -1), true);
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
    if (pair && isNode(pair.key)) return pair.key;
  }
  return node;
}

/** Where a top-level list of a YAML text is, so an editor can be told the exact line to add an item. */
export type ListPlace = {
  /** The line of the list's key ("alternates:"). */
  keyLine: number;
  /** A new item goes on the line after this one (the last item's, or the key's for an empty list). */
  after: number;
  /** The items' indentation ("  " in "  - text"). */
  indent: string;
  /** Written as `[a, b]` on one line: an item is added inside the brackets, not as a line. */
  inline: boolean;
};

/**
 * The place of the list under `key` at the top of a YAML text, with the same line numbers as the problems
 * above (`lineOffset` for front matter); undefined when the text does not parse or has no such key.
 */
export function placeOfList(source: string, key: string, lineOffset = 0): ListPlace | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length || !isMap(doc.contents)) return undefined;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  if (!pair || !isNode(pair.key) || !pair.key.range) return undefined;
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const keyLine = lineOf(pair.key.range[0]);
  const value = pair.value;
  // The value's end offset is just past its last character (a block scalar's takes its newline).
  const endLine = (node: unknown, fallback: number) => (isNode(node) && node.range ? lineOf(Math.max(node.range[0], node.range[1] - 1)) : fallback);
  // Not a list (a scalar such as `question:`): whatever goes after it goes after its last line.
  if (!isSeq(value)) return { keyLine: keyLine + lineOffset, after: endLine(value, keyLine) + lineOffset, indent: '  ', inline: false };
  if (value.flow) return { keyLine: keyLine + lineOffset, after: keyLine + lineOffset, indent: '', inline: true };
  if (!value.items.length) return { keyLine: keyLine + lineOffset, after: keyLine + lineOffset, indent: '  ', inline: false };
  const first = value.items[0];
  const last = value.items[value.items.length - 1];
  const firstLine = isNode(first) && first.range ? lineOf(first.range[0]) : keyLine + 1;
  const lastLine = endLine(last, firstLine);
  const indent = /^(\s*)-/.exec(source.split(/\r?\n/)[firstLine - 1] ?? '')?.[1] ?? '  ';
  return { keyLine: keyLine + lineOffset, after: lastLine + lineOffset, indent, inline: false };
}
