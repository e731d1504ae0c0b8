/**
 * Holds API answers to the public OpenAPI document: the test apps pass every answer of /api/*, /healthz
 * and /readyz through `checkAnswer`, so any test whose request gets an undocumented status, error code or
 * body shape fails with the difference spelled out.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildPublicDocument } from '../../src/openapi/public.ts';

export const PUBLIC_DOCUMENT = buildPublicDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };

const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addSchema(PUBLIC_DOCUMENT, 'https://help-assistant.invalid/openapi.json');

const compiled = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validator(path: string, method: string, status: string): ValidateFunction {
  const ref = `https://help-assistant.invalid/openapi.json#/${pointer('paths', path, method, 'responses', status, 'content', 'application/json', 'schema')}`;
  let v = compiled.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    compiled.set(ref, v);
  }
  return v;
}

const anyError = ajv.compile({ $ref: 'https://help-assistant.invalid/openapi.json#/components/schemas/Error' });

const checked = (path: string) => path.startsWith('/api/') || path === '/healthz' || path === '/readyz';

/** What is wrong with an answer by the document; nothing for a path the document does not cover. */
export async function checkAnswer(method: string, path: string, res: Response): Promise<string[]> {
  // Preflights are the browser's business (CORS), not operations of the API.
  if (!checked(path) || method === 'OPTIONS') return [];
  const m = method === 'HEAD' ? 'get' : method.toLowerCase();
  const operation = PUBLIC_DOCUMENT.paths[path]?.[m];
  // A compressed answer (the client accepted gzip or deflate) is checked as the client reads it.
  const encoding = res.headers.get('content-encoding');
  const copy = res.clone();
  const text =
    method === 'HEAD' ? '' : encoding && copy.body ? await new Response(copy.body.pipeThrough(new DecompressionStream(encoding as CompressionFormat))).text() : await copy.text();
  const type = res.headers.get('content-type') ?? '';
  const body = (): { ok: true; value: unknown } | { ok: false } => {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false };
    }
  };
  if (!operation) {
    // A path or verb the API does not have (an unknown action may first fail on its body): a JSON 4xx error, nothing else.
    const b = body();
    if (res.status < 400 || res.status > 499) return [`${method} ${path} is not in the document, yet answered ${res.status}`];
    if (!b.ok || !anyError(b.value)) return [`the ${res.status} of an unknown path is not the error shape: ${text.slice(0, 200)}`];
    return [];
  }
  const status = String(res.status);
  const spec = operation.responses[status] ?? operation.responses[`${status[0]}XX`];
  if (!spec) return [`status ${status} is not documented for ${method} ${path} (documented: ${Object.keys(operation.responses).join(', ')}); body: ${text.slice(0, 200)}`];
  if (!spec.content?.['application/json'] || method === 'HEAD') return [];
  if (!/^application\/json\b/.test(type)) return [`content-type ${type || '(none)'} where the document says application/json`];
  const b = body();
  if (!b.ok) return [`the body is not JSON: ${text.slice(0, 200)}`];
  const validate = validator(path, m, spec === operation.responses[status] ? status : `${status[0]}XX`);
  if (validate(b.value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${e.params ? JSON.stringify(e.params) : ''}; body: ${text.slice(0, 300)}`);
}

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>;

/**
 * Makes `app.fetch` (and so `app.request` and a server around it) throw on an answer the document does
 * not allow. Hono's `request()` calls `this.fetch`, so replacing the instance's `fetch` covers both.
 */
export function holdToOpenApi<A extends { fetch: Fetch }>(app: A): A {
  const original = app.fetch.bind(app) as Fetch;
  app.fetch = (async (request: Request, ...rest: never[]) => {
    const res = await original(request, ...rest);
    const path = new URL(request.url).pathname;
    const problems = await checkAnswer(request.method, path, res);
    if (problems.length) throw new Error(`${request.method} ${path} → ${res.status} breaks /openapi.json:\n  ${problems.join('\n  ')}`);
    return res;
  }) as A['fetch'];
  return app;
}
