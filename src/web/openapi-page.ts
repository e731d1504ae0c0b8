/**
 * Turns an OpenAPI document into what the reference page shows: operations with their parameters, body
 * fields and responses as flat rows. Rendered on the server, so the page needs no script and no CDN.
 */
type Schema = Record<string, unknown>;
type Doc = { info: { title: string; version: string; description?: string }; paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Schema> } };
type Operation = { operationId?: string; summary?: string; description?: string; tags?: string[]; security?: Record<string, unknown>[]; parameters?: Schema[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { description?: string; content?: Record<string, { schema: Schema }> }> };

export type FieldRow = { name: string; type: string; required: boolean; rules: string; description: string };
export type ResponseView = { status: string; description: string; codes: string[]; fields: FieldRow[] };
export type OperationView = { id: string; method: string; path: string; summary: string; description: string; auth: string; params: FieldRow[]; body: FieldRow[]; responses: ResponseView[] };
export type ReferenceView = { title: string; version: string; description: string; operations: OperationView[] };

function resolve(doc: Doc, s: Schema | undefined): Schema {
  const r = s?.$ref;
  if (typeof r !== 'string') return s ?? {};
  const name = r.split('/').pop()!;
  return resolve(doc, (r.includes('/parameters/') ? doc.components?.parameters : doc.components?.schemas)?.[name]);
}

function typeOf(s: Schema): string {
  if ('const' in s) return JSON.stringify(s.const);
  const t = s.type;
  if (t === 'array') return `array of ${typeOf((s.items as Schema) ?? {})}`;
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map(typeOf).join(' or ');
  return Array.isArray(t) ? t.join(' or ') : typeof t === 'string' ? t : 'any';
}

function rulesOf(s: Schema): string {
  const rules: string[] = [];
  if (Array.isArray(s.enum)) rules.push(`one of ${(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
  if (s.maxLength !== undefined) rules.push(`${s.minLength ?? 0}–${s.maxLength} characters`);
  else if (s.minLength !== undefined) rules.push(`at least ${s.minLength} character${s.minLength === 1 ? '' : 's'}`);
  if (s.minimum !== undefined && s.maximum !== undefined && (s.maximum as number) < Number.MAX_SAFE_INTEGER) rules.push(`${s.minimum}–${s.maximum}`);
  else if (s.minimum !== undefined) rules.push(`≥ ${s.minimum}`);
  if (typeof s.format === 'string') rules.push(s.format);
  else if (typeof s.pattern === 'string') rules.push(`matches ${s.pattern}`);
  if (s.default !== undefined) rules.push(`default ${JSON.stringify(s.default)}`);
  if (Array.isArray(s.examples) && s.examples.length) rules.push(`e.g. ${JSON.stringify(s.examples[0])}`);
  return rules.join('; ');
}

/** One row per property, nested objects and arrays of objects as dotted names. */
function fields(doc: Doc, schema: Schema | undefined, prefix = ''): FieldRow[] {
  const s = resolve(doc, schema);
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([key, raw]) => {
    const p = resolve(doc, raw);
    const name = `${prefix}${key}`;
    const nullable = Array.isArray(p.anyOf) && (p.anyOf as Schema[]).some((a) => a.type === 'null');
    const inner = nullable ? (p.anyOf as Schema[]).find((a) => a.type !== 'null')! : p;
    const row: FieldRow = { name, type: typeOf(p), required: required.has(key), rules: rulesOf(inner), description: typeof p.description === 'string' ? p.description : '' };
    const item = inner.type === 'array' ? resolve(doc, inner.items as Schema) : inner;
    const nested = item.type === 'object' && item.properties ? fields(doc, item, `${name}${inner.type === 'array' ? '[]' : ''}.`) : [];
    return [row, ...nested];
  });
}

function codesOf(doc: Doc, schema: Schema | undefined): string[] {
  const code = ((resolve(doc, schema).properties as Record<string, Schema> | undefined)?.error?.properties as Record<string, Schema> | undefined)?.code;
  if (!code) return [];
  if (Array.isArray(code.enum)) return code.enum as string[];
  return typeof code.description === 'string' ? [...code.description.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!) : [];
}

export function referenceView(document: Record<string, unknown>): ReferenceView {
  const doc = document as unknown as Doc;
  const operations: OperationView[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const json = op.requestBody?.content['application/json']?.schema;
      const security = op.security ?? [];
      operations.push({
        id: op.operationId ?? `${method}-${path}`,
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? '',
        description: op.description ?? '',
        auth: security.length === 0 ? '' : security.some((s) => Object.keys(s).length === 0) ? 'Bearer token optional' : 'Bearer token required',
        params: (op.parameters ?? []).map((raw) => {
          const p = resolve(doc, raw);
          const schema = resolve(doc, p.schema as Schema);
          return { name: `${p.name as string} (${p.in as string})`, type: typeOf(schema), required: p.required === true, rules: rulesOf(schema), description: (p.description as string) ?? (schema.description as string) ?? '' };
        }),
        body: json ? fields(doc, json) : [],
        responses: Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.['application/json']?.schema;
          const codes = codesOf(doc, schema);
          return { status, description: r.description ?? '', codes, fields: codes.length ? [] : fields(doc, schema) };
        }),
      });
    }
  }
  return { title: doc.info.title, version: doc.info.version, description: doc.info.description ?? '', operations };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escaped text with `code` spans. */
export const inline = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

/** Escaped text with `code` spans and "- " lists, the little Markdown the documents use. */
export function prose(text: string): string {
  const blocks = text.split(/\n{2,}/);
  return blocks
    .map((b) => {
      const lines = b.split('\n');
      if (lines.every((l) => l.startsWith('- '))) return `<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`;
      return `<p>${inline(b)}</p>`;
    })
    .join('\n');
}
