import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, stream), lines, all: () => lines.join('\n') };
}

describe('createLogger: personal data stays out of the logs', () => {
  it('censors e-mail, phone, insured and contract numbers by field, also in action params', () => {
    const { logger, all } = capture();
    logger.info(
      {
        email: 'anna.muster@example.ch',
        mobile: '079 123 45 67',
        customer: { insuredNumber: '756.1234.5678.97', customerNumber: 'KPT12345678' },
        req: { action: 'contact-request', params: { name: 'Anna Muster', email: 'anna.muster@example.ch', identifier: '756123456' } },
        headers: { authorization: 'Bearer abc.def.ghi' },
        tenant: 'atupri',
      },
      'action',
    );
    const out = all();
    for (const secret of ['anna.muster', '079 123', '756.1234', 'KPT12345678', 'Anna Muster', '756123456', 'abc.def.ghi']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(JSON.parse(out).tenant).toBe('atupri');
  });

  it('redacts what visitors typed in free-text fields, the message string and errors, keeping the rest', () => {
    const { logger, lines } = capture();
    logger.info({ message: 'je suis Anna Muster, mon e-mail anna@example.ch et mon numéro 079 123 45 67', question: 'franchise KPT 12345678 ?' }, 'question');
    logger.warn('could not reach anna@example.ch');
    logger.error({ err: new Error('insert failed for 756.1234.5678.97') }, 'failed');
    const [q, w, e] = lines.map((l) => JSON.parse(l));
    expect(q.message).toBe('je suis [name], mon e-mail [email] et mon numéro [phone]');
    expect(q.question).toBe('franchise [contract] ?');
    expect(w.msg).toBe('could not reach [email]');
    expect(e.err.message).toBe('insert failed for [ahv]');
    expect(e.err.stack).not.toContain('756.1234');
    expect(e.err.type).toBe('Error');
  });
});
