/** Parses YAML and checks it with a zod schema, reporting each problem at the line it is on. */
import { LineCounter, parseDocument, isMap, isNode, isScalar, type Document } from 'yaml';
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
