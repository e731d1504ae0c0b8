/**
 * Builds the real application for chat tests (shipped content, a fresh data folder, a fixed clock, an
 * optional action backend) and talks to POST /api/chat the way the widget does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'hono/jwt';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { ActionBackend } from '../../src/actions/types.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { compose, type Composed } from '../../src/compose.ts';
import { parseConfig } from '../../src/config.ts';
import { ROOT } from './app.ts';
import { holdToOpenApi } from './openapi.ts';

export const TOKEN_SECRET = 'test-secret';

/** Saturday 21 November 2026, 10:00 in Zurich: both deductible changes are still possible. */
export const DEFAULT_NOW = new Date('2026-11-21T10:00:00+01:00');

export type ChatApp = Composed & { dataDir: string; dispose(): Promise<void> };

export type ChatAppOptions = {
  /** A fixed moment, or a clock function; DEFAULT_NOW when omitted. */
  now?: Date | (() => Date);
  backend?: ActionBackend;
  /** Reuse a data folder (a restart); a fresh temporary one when omitted. */
  dataDir?: string;
  env?: Record<string, string>;
};

export function buildChatApp(options: ChatAppOptions = {}): ChatApp {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'chat-test-data-'));
  const parsed = parseConfig({
    DATA_DIR: dataDir,
    CONTENT_DIR: join(ROOT, 'content'),
    LOCALES_DIR: join(ROOT, 'locales'),
    WATCH_CONTENT: 'false',
    LOG_LEVEL: 'silent',
    PORTAL_TOKEN_SECRET: TOKEN_SECRET,
    ...options.env,
  });
  if (!parsed.ok) throw new Error(`chat test config: ${parsed.errors.join('; ')}`);
  const now = options.now ?? DEFAULT_NOW;
  const clock = typeof now === 'function' ? now : () => new Date(now.getTime());
  const result = compose(parsed.config, { clock, logger: pino({ level: 'silent' }), ...(options.backend ? { backend: options.backend } : {}) });
  if (!result.ok) throw new Error(`chat test app: ${result.errors.join('\n')}`);
  const composed = result.composed;
  // Every API answer of the tests is held to the public OpenAPI document.
  holdToOpenApi(composed.app);
  return {
    ...composed,
    dataDir,
    async dispose() {
      await composed.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A portal token (HS256) for a person of a tenant; `expiresIn` in seconds from the real now, negative for an expired one. */
export async function portalToken(sub: string, tenant: string, options: { expiresIn?: number; secret?: string } = {}): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + (options.expiresIn ?? 600);
  return sign({ sub, tenant, exp }, options.secret ?? TOKEN_SECRET, 'HS256');
}

export type ChatBody = { tenant?: string; lang?: string; conversationId?: string; message?: string; choice?: string };

export type ChatReply = { conversationId: string; lang: 'fr' | 'de' | 'it'; reply: Reply };

export type ChatResponse = { status: number; res: Response; body: any };

type AppLike = { request: (input: string, init?: RequestInit) => Response | Promise<Response> };

/** POST /api/chat with a JSON body (or a raw string sent as is), optionally signed in. */
export async function chat(app: AppLike, body: ChatBody | string, token?: string, headers: Record<string, string> = {}): Promise<ChatResponse> {
  const res = await app.request('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the assertions say what was expected
  }
  return { status: res.status, res, body: parsed };
}

/** A chat turn that must succeed: checks the status and returns the reply body. */
export async function turn(app: AppLike, body: ChatBody, token?: string): Promise<ChatReply> {
  const r = await chat(app, body, token);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as ChatReply;
}

/** Checks that a reply offers a choice with this id, and returns it. */
export function offered(reply: ChatReply, id: string) {
  const choice = reply.reply.choices.find((c) => c.id === id);
  expect(choice, `choice "${id}" among ${JSON.stringify(reply.reply.choices.map((c) => c.id))}`).toBeDefined();
  return choice!;
}

/**
 * A conversation with one tenant in one language: keeps the conversation id and presses only choices the
 * previous reply offered, as a visitor would.
 */
export class Visitor {
  last: ChatReply | undefined;
  constructor(
    readonly app: AppLike,
    readonly tenant: string,
    readonly lang: 'fr' | 'de' | 'it' = 'fr',
    readonly token?: string,
  ) {}

  get id(): string | undefined {
    return this.last?.conversationId;
  }

  async say(message: string): Promise<ChatReply> {
    this.last = await turn(this.app, { tenant: this.tenant, lang: this.lang, message, ...(this.id ? { conversationId: this.id } : {}) }, this.token);
    return this.last;
  }

  /** Presses a button of the last reply (failing when it was not offered). */
  async press(choice: string): Promise<ChatReply> {
    if (!this.last) throw new Error('Visitor.press: nothing was said yet');
    offered(this.last, choice);
    return this.send(choice);
  }

  /** Sends a choice id without checking it was offered (stale or repeated buttons). */
  async send(choice: string): Promise<ChatReply> {
    this.last = await turn(this.app, { tenant: this.tenant, lang: this.lang, choice, ...(this.id ? { conversationId: this.id } : {}) }, this.token);
    return this.last;
  }
}

/** The ids of a reply's choices. */
export const choiceIds = (r: ChatReply) => r.reply.choices.map((c) => c.id);
