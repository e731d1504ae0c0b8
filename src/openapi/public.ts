/**
 * The OpenAPI 3.1 document of the public HTTP API (served at /openapi.json), generated from the zod
 * schemas that validate its requests and describe its answers: one source of truth for the code, the
 * document and the contract tests.
 */
import { ACTIONS, type ActionName } from '../actions/types.ts';
import { LANGS } from '../content/types.ts';
import { actionResponse, chatResponse, errorResponse, healthResponse, readyResponse, searchResponse } from '../web/api-schemas.ts';
import { envelope as actionEnvelope } from '../web/actions-api.ts';
import { bodySchema as chatRequest } from '../web/chat-api.ts';
import { searchQuery } from '../web/search-api.ts';
import { jsonSchema, pascal, ref, type JsonSchema } from './json-schema.ts';

export const API_VERSION = '1.0.0';

/**
 * Error codes per status, as the routes raise them. A 503 may carry codes of the storage as well as of
 * the action backend, so its list is open.
 */
type Errors = Partial<Record<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503, readonly string[]>>;

const COMMON: Errors = { 403: ['forbidden_origin'], 429: ['rate_limited'], 500: ['internal_error'] };
const JSON_BODY: Errors = { 400: ['invalid_body', 'unsupported_language'], 413: ['payload_too_large'], 415: ['unsupported_media_type'] };
const OPEN_STATUSES = new Set([503]);

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request: the error code says which part.',
  401: 'The portal token is malformed, expired, badly signed or for another tenant (`invalid_token`: renew it), or an account change was asked without one (`sign_in_required`).',
  403: 'Called from a browser page whose origin this tenant does not list in `embed.allowedOrigins` (another tenant may): nothing was done.',
  404: 'Unknown tenant, conversation or action.',
  409: 'The first request with this Idempotency-Key is still running (on this or another instance): ask again after `Retry-After` seconds to get its answer.',
  413: 'The body is larger than 16 KiB.',
  415: 'The body is not `application/json`.',
  422: 'Understood but refused.',
  429: 'Too many requests: wait `Retry-After` seconds.',
  500: 'A fault of the service; nothing internal is shown.',
  503: 'The account backend or the storage is unavailable: nothing was done, try again later with the same Idempotency-Key.',
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', minimum: 0 } } };

function errorSchema(status: number, codes: readonly string[]): JsonSchema {
  const code: JsonSchema = OPEN_STATUSES.has(status)
    ? { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: `Known codes: ${codes.map((c) => `\`${c}\``).join(', ')}.` }
    : { type: 'string', enum: [...codes] };
  return {
    type: 'object',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: { type: 'object', required: ['code', 'message'], additionalProperties: false, properties: { code, message: { type: 'string' } } },
    },
  };
}

function errorResponses(...sets: Errors[]): Record<string, unknown> {
  const merged = new Map<number, Set<string>>();
  for (const set of sets) for (const [s, codes] of Object.entries(set)) for (const c of codes ?? []) merged.set(Number(s), (merged.get(Number(s)) ?? new Set()).add(c));
  return Object.fromEntries(
    [...merged.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, codes]) => [
        String(status),
        {
          description: STATUS_TEXT[status] ?? 'Error.',
          ...(status === 409 || status === 429 || status === 503 ? { headers: retryAfter } : {}),
          content: { 'application/json': { schema: errorSchema(status, [...codes]) } },
        },
      ]),
  );
}

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

const langProperty = { type: 'string', enum: [...LANGS], description: 'fr, de or it; detected from the text, then Accept-Language, then the tenant default when omitted.' };

/** The request schemas take `lang` as any string so that a wrong one gets its own error code; the document names the three. */
function withLangEnum(schema: JsonSchema): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  return properties?.lang ? { ...schema, properties: { ...properties, lang: langProperty } } : schema;
}

function actionRequestSchema(name: ActionName): JsonSchema {
  const params = ACTIONS[name].params;
  // Actions without required parameters may leave `params` out.
  const body = actionEnvelope.extend({ params: params.safeParse({}).success ? params.optional() : params });
  return withLangEnum(jsonSchema(body, 'input'));
}

/** What each action does, for both documents. */
export const ACTION_TEXT: Record<ActionName, string> = {
  'password-reset': 'Sends a link to choose a new password to the e-mail address of the account (identifier: e-mail, insured or contract number).',
  'resend-code': 'Sends a new login code by SMS or e-mail.',
  'order-code-card': 'KPT: orders a new code card by post.',
  'start-registration': 'myAtupri: starts the registration of a long-standing client (a letter with a QR code follows).',
  'resend-activation': 'myAtupri: sends the activation link again (valid 30 days).',
  'contact-request': 'Sends a message to the support team; with `conversationId` the conversation goes along.',
  'deductible-change': 'Changes the deductible from 1 January next year (adults CHF 300–2500, children CHF 0–600; a decrease by 30 November).',
  'accident-cover': 'Includes or excludes the accident cover.',
  'online-insurance-join': 'KPT: joins the online insurance from the first day of next month.',
  'online-insurance-leave': 'KPT: leaves the online insurance.',
};

export function buildPublicDocument(): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {
    SearchResponse: jsonSchema(searchResponse, 'output'),
    ChatRequest: withLangEnum(jsonSchema(chatRequest, 'input')),
    ChatResponse: jsonSchema(chatResponse, 'output'),
    Error: jsonSchema(errorResponse, 'output'),
    Health: jsonSchema(healthResponse, 'output'),
    Ready: jsonSchema(readyResponse, 'output'),
  };
  const paths: Record<string, unknown> = {};

  const searchParams = jsonSchema(searchQuery, 'input') as { properties: Record<string, JsonSchema>; required?: string[] };
  paths['/api/search'] = {
    get: {
      operationId: 'search',
      summary: 'Search the FAQ of a tenant',
      description: 'Best results first. Without `lang`, the language is detected from the query, then taken from Accept-Language, then the tenant default.',
      tags: ['Help centre'],
      parameters: Object.entries(searchParams.properties).map(([name, schema]) => ({
        name,
        in: 'query',
        required: searchParams.required?.includes(name) ?? false,
        schema: name === 'lang' ? langProperty : schema,
      })),
      responses: {
        '200': { description: 'The results.', content: json(ref('SearchResponse')) },
        ...errorResponses({ 400: ['unsupported_language', 'missing_query', 'invalid_parameter'], 404: ['unknown_tenant'] }, COMMON),
      },
    },
  };

  paths['/api/chat'] = {
    post: {
      operationId: 'chat',
      summary: 'Send a message or press a choice in a conversation',
      description:
        'Send either `message` (free text, at most 1000 characters) or `choice` (the id of a choice offered in an earlier reply), with the `conversationId` of the earlier reply to continue. A signed-in visitor sends the portal token.',
      tags: ['Chat'],
      security: [{}, { portalToken: [] }],
      requestBody: { required: true, content: json(ref('ChatRequest')) },
      responses: {
        '200': { description: 'The reply.', content: json(ref('ChatResponse')) },
        ...errorResponses(
          JSON_BODY,
          { 401: ['invalid_token'], 404: ['unknown_tenant', 'unknown_conversation'], 422: ['message_too_long', 'message_empty'], 503: ['backend_unavailable'] },
          COMMON,
        ),
      },
    },
  };

  for (const name of Object.keys(ACTIONS) as ActionName[]) {
    const auth = ACTIONS[name].auth;
    schemas[`${pascal(name)}Request`] = actionRequestSchema(name);
    schemas[`${pascal(name)}Response`] = jsonSchema(actionResponse[name], 'output');
    paths[`/api/actions/${name}`] = {
      post: {
        operationId: name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
        summary: ACTION_TEXT[name],
        description: auth
          ? 'An account change for the signed-in person: needs the portal token.'
          : 'Public: answers the same, with a reference, whether or not the account exists.',
        tags: [auth ? 'Account changes' : 'Public actions'],
        security: auth ? [{ portalToken: [] }] : [{}, { portalToken: [] }],
        parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: { required: true, content: json(ref(`${pascal(name)}Request`)) },
        responses: {
          '200': { description: 'Done (or done before with this Idempotency-Key: the same answer, nothing done twice).', content: json(ref(`${pascal(name)}Response`)) },
          ...errorResponses(
            JSON_BODY,
            {
              400: ['invalid_body'],
              401: auth ? ['invalid_token', 'sign_in_required'] : ['invalid_token'],
              404: ['unknown_tenant', 'unknown_action'],
              409: ['idempotency_key_in_progress'],
              422: ['action_rejected', 'idempotency_key_reused'],
              503: ['backend_unavailable'],
            },
            COMMON,
          ),
        },
      },
    };
  }

  const health = (operationId: string, summary: string, description: string, unavailable: boolean, body: string) => ({
    get: {
      operationId,
      summary,
      description,
      tags: ['Operations'],
      responses: {
        '200': { description: 'OK.', content: json(ref(body)) },
        ...(unavailable ? errorResponses({ 503: ['not_ready'] }) : {}),
      },
    },
  });
  paths['/healthz'] = health('health', 'Liveness', 'The process is alive and its content index is loaded; may add the content version and reload errors.', false, 'Health');
  paths['/readyz'] = health('ready', 'Readiness', 'The service can serve: content loaded, database reachable and writable; 503 otherwise.', true, 'Ready');
  paths['/openapi.json'] = {
    get: { operationId: 'openapi', summary: 'This document', tags: ['Operations'], responses: { '200': { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } } },
  };
  paths['/openapi/backend.json'] = {
    get: {
      operationId: 'backendOpenapi',
      summary: 'The contract of the account-action backend an insurer implements',
      tags: ['Operations'],
      responses: { '200': { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Help assistant API',
      version: API_VERSION,
      description: [
        'FAQ search, the chat and the account actions of the help assistant of Swiss health insurers, for each tenant (an insurer, named by its folder in the editor content) in French, German and Italian.',
        '',
        'Every error has the shape `{"error": {"code": "snake_case_code", "message": "…"}}`, with the message in the request\'s language where known. JSON endpoints take `Content-Type: application/json` only. The language used is always echoed back as `lang`.',
        '',
        'Account actions take an `Idempotency-Key` (8–120 characters, header or `idempotencyKey` in the body): a repeat with the same key, action and parameters returns the first answer and does nothing twice; the same key for another action or other parameters is refused with `422 idempotency_key_reused`. While the first request with a key is still running (on any instance), a repeat waits up to 10 seconds for its answer, then gets `409 idempotency_key_in_progress` with `Retry-After`.',
      ].join('\n'),
    },
    tags: [
      { name: 'Help centre', description: 'The FAQ.' },
      { name: 'Chat', description: 'The conversation, with guided flows and escalation to people.' },
      { name: 'Public actions', description: 'Links and codes; no token needed.' },
      { name: 'Account changes', description: 'Changes for the signed-in person; the portal token is required.' },
      { name: 'Operations', description: 'Health and documents.' },
    ],
    paths,
    components: {
      schemas,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description: 'Required unless `idempotencyKey` is in the body. Use a new random key per intended action, the same for its retries.',
          schema: { type: 'string', minLength: 8, maxLength: 120 },
        },
      },
      securitySchemes: {
        portalToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A short-lived JWT signed by the portal with HS256 (`PORTAL_TOKEN_SECRET`), claims `sub` (the person in the account backend), `tenant` and `exp`.',
        },
      },
    },
  };
}
