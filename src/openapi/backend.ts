/**
 * The OpenAPI 3.1 document of the account-action backend an insurer implements (served at
 * /openapi/backend.json and shipped as openapi/backend.json), generated from the schemas the http
 * backend checks every reply with.
 */
import { accountView, backendError, backendRefusal, backendRequest, backendSuccess, DEFAULT_BACKEND_TIMEOUT_MS, REFUSAL_CODES } from '../actions/backend-contract.ts';
import { ACTIONS, type ActionName } from '../actions/types.ts';
import { ACTION_TEXT, API_VERSION } from './public.ts';
import { jsonSchema, pascal, ref, type JsonSchema } from './json-schema.ts';

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });

const failure = (description: string) => ({ description, content: json(ref('Error')) });

export function buildBackendDocument(): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {
    Refusal: jsonSchema(backendRefusal, 'input'),
    Error: jsonSchema(backendError, 'input'),
    Account: jsonSchema(accountView, 'input'),
  };
  const paths: Record<string, unknown> = {};
  for (const name of Object.keys(ACTIONS) as ActionName[]) {
    // What the assistant sends is exact (output); what it reads may carry more (input: other fields are ignored).
    schemas[`${pascal(name)}Request`] = jsonSchema(backendRequest[name], 'output');
    schemas[`${pascal(name)}Reply`] = jsonSchema(backendSuccess[name], 'input');
    const auth = ACTIONS[name].auth;
    paths[`/actions/${name}`] = {
      post: {
        operationId: name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
        summary: ACTION_TEXT[name],
        description: auth
          ? '`subject` is the signed-in person; an unknown one is refused with `unknown_account`.'
          : '`subject` is null for anonymous visitors. Answer the same `200` whether or not an account matches the parameters, so the reply tells nobody who is insured; send what the account owner should get (e-mail, SMS, letter) only when one does.',
        parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }],
        requestBody: { required: true, content: json(ref(`${pascal(name)}Request`)) },
        responses: {
          '200': { description: 'Done. The assistant shows the reference to the visitor.', content: json(ref(`${pascal(name)}Reply`)) },
          '400': failure('The body does not match the request schema. The assistant treats it as a failure of the backend.'),
          '401': failure('Missing or wrong bearer token. The assistant treats it as a failure of the backend.'),
          '422': {
            description: `Refused, with a code the assistant shows as a refusal. Known codes: ${REFUSAL_CODES[name].map((c) => `\`${c}\``).join(', ')}.`,
            content: json(ref('Refusal')),
          },
          '5XX': { description: 'A failure: retried once with the same Idempotency-Key, then the visitor is offered the contact options.' },
        },
      },
    };
  }
  paths['/accounts/{tenant}/{subject}'] = {
    get: {
      operationId: 'account',
      summary: 'What the guided flows need to know about the signed-in person',
      parameters: [
        { name: 'tenant', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'subject', in: 'path', required: true, description: "The portal token's `sub`, URL-encoded.", schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'The account.', content: json(ref('Account')) },
        '404': failure('No such account (code `unknown_account`).'),
        '401': failure('Missing or wrong bearer token.'),
        '5XX': { description: 'A failure: retried once, then the visitor gets an apology and the contact options.' },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Account-action backend (implemented by the insurer)',
      version: API_VERSION,
      description: [
        'The API the help assistant calls with `ACTIONS_BACKEND=http` at `ACTIONS_BASE_URL` to act on accounts. `npm run backend:reference` runs a working implementation over the demo accounts; `npm run backend:conformance -- <base-url> [--token …]` checks a backend against this document.',
        '',
        '- Every request carries `Authorization: Bearer <ACTIONS_TOKEN>` when the assistant has a token; answer `401` to a wrong one.',
        `- Answer within the assistant's timeout (\`ACTIONS_TIMEOUT_MS\`, default ${DEFAULT_BACKEND_TIMEOUT_MS} ms). A timeout, a refused connection or a \`5xx\` is retried once with the same Idempotency-Key.`,
        '- The assistant takes for an answer only `200` with its reply schema or `422` with a refusal, both as `application/json`. Anything else (an HTML page, a `204`, a missing `reference`, a redirect) is a failure: the visitor gets an apology and the contact options, never a false confirmation.',
        '- `Idempotency-Key`: a repeat with the same key and the same body answers as the first time and does nothing twice; the same key with another body is refused with `422` and code `idempotency_key_reused`.',
      ].join('\n'),
    },
    paths,
    components: {
      schemas,
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description: "The same for the retries of one visitor's request.",
          schema: { type: 'string', minLength: 1, maxLength: 240 },
        },
      },
      securitySchemes: { backendToken: { type: 'http', scheme: 'bearer', description: 'The `ACTIONS_TOKEN` of the assistant.' } },
    },
    security: [{ backendToken: [] }],
  };
}
