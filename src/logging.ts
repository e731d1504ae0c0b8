/**
 * The structured logger (pino) with personal data kept out: known fields (e-mail, phone, insured and
 * contract numbers, tokens) are censored by path, and free text (messages, questions, error messages)
 * goes through the same redaction as the insights before it is written.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { redact } from './insights/redact.ts';

export type LoggerOptions = {
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  level: string;
};

const PERSONAL_FIELDS = ['email', 'phone', 'mobile', 'identifier', 'insuredNumber', 'customerNumber', 'contractNumber', 'iban', 'ahv', 'token', 'authorization'];

/** Field paths censored wherever they appear at the top level, one level down, or in action params. */
export const REDACT_PATHS = [
  ...PERSONAL_FIELDS,
  ...PERSONAL_FIELDS.map((f) => `*.${f}`),
  ...PERSONAL_FIELDS.map((f) => `*.params.${f}`),
  'params.name',
  '*.params.name',
  'form.name',
  'contact.name',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Log fields that hold what a visitor typed: redacted as text, so the rest of the sentence stays useful. */
export const FREE_TEXT_FIELDS = ['message', 'question', 'text', 'query', 'q', 'visitorText', 'detail'];

const text = (v: unknown) => (typeof v === 'string' ? redact(v) : v);

export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const serializers: Record<string, (v: unknown) => unknown> = Object.fromEntries(FREE_TEXT_FIELDS.map((f) => [f, text]));
  serializers.err = (err: unknown) => {
    if (!(err instanceof Error)) return err;
    const s = pino.stdSerializers.err(err);
    return { ...s, message: redact(s.message), ...(s.stack ? { stack: redact(s.stack) } : {}) };
  };
  // A person at a terminal reads lines (pino-pretty, in-process so nothing is lost at exit); a log
  // collector (output to a file or a pipe) gets one JSON object per line.
  const out = destination ?? (process.stdout.isTTY && process.env.LOG_FORMAT !== 'json' ? pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }) : undefined);
  const logger = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers,
      hooks: {
        // The message string itself ("could not reach anna@example.ch") is free text too.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redact(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    out,
  );
  return logger;
}
