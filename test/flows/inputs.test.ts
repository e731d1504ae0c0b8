import { describe, expect, it } from 'vitest';
import type { FlowContext } from '../../src/chat/flow-types.ts';
import {
  parseEmail,
  parseInsuredNumber,
  parseLoginIdentifier,
  parseMessage,
  parseMobile,
  parseName,
  parseOptionalNumber,
} from '../../src/flows/inputs.ts';
import type { LoginIdentifier } from '../../src/flows/login-trouble.ts';

/** Only what the validators use: the tenant id and a translator (which returns the key, to see which error). */
const ctx = (tenant: string) => ({ tenant: { id: tenant }, lang: 'fr', t: (key: string) => key }) as unknown as FlowContext;
const atupri = ctx('atupri');
const kpt = ctx('kpt');
const error = (key: string) => ({ ok: false, error: `flows:errors.${key}` });

/** The identifiers as the shipped tenant.yaml files set them (flows: login-trouble: identifier:). */
const CONTRACT: LoginIdentifier = { kind: 'contract-number', pattern: 'KPT\\d{8}', example: 'KPT12345678', format: { fr: 'KPT suivi de huit chiffres', de: 'KPT und acht Ziffern', it: 'KPT seguito da otto cifre' } };
const EMAIL_OR_NUMBER: LoginIdentifier = { kind: 'email-or-insured-number', pattern: '\\d{5,16}' };

describe('parseEmail', () => {
  it('accepts and trims an address', () => {
    expect(parseEmail('  anna.muster@example.ch ', atupri)).toEqual({ ok: true, value: 'anna.muster@example.ch' });
  });

  it.each(['anna.muster@', 'anna muster@example.ch', 'example.ch', '', `${'a'.repeat(195)}@example.ch`])('refuses %j', (raw) => {
    expect(parseEmail(raw, atupri)).toEqual(error('email'));
  });
});

describe('parseLoginIdentifier with a contract number', () => {
  it.each([
    ['KPT12345678', 'KPT12345678'],
    ['kpt12345678', 'KPT12345678'],
    ['KPT 1234 5678', 'KPT12345678'],
    ['kpt-1234.5678', 'KPT12345678'],
  ])('normalises %j', (raw, value) => {
    expect(parseLoginIdentifier(raw, kpt, CONTRACT)).toEqual({ ok: true, value });
  });

  it.each(['KPT1234567', 'KPT123456789', '12345678', 'CPT12345678', 'marie@example.ch'])('refuses %j', (raw) => {
    expect(parseLoginIdentifier(raw, kpt, CONTRACT)).toEqual(error('contractNumber'));
  });
});

describe('parseInsuredNumber', () => {
  it.each([
    ['756123456', '756123456'],
    ['756.123.456', '756123456'],
    ['756 123 456', '756123456'],
    ['12345', '12345'],
  ])('accepts %j', (raw, value) => {
    expect(parseInsuredNumber(raw, atupri)).toEqual({ ok: true, value });
  });

  it.each(['1234', '12345678901234567', 'ABC12345', '756-123-456'])('refuses %j', (raw) => {
    expect(parseInsuredNumber(raw, atupri)).toEqual(error('insuredNumber'));
  });
});

describe('parseLoginIdentifier', () => {
  it('takes an e-mail or an insured number on myAtupri', () => {
    expect(parseLoginIdentifier('anna.muster@example.ch', atupri, EMAIL_OR_NUMBER)).toEqual({ ok: true, value: 'anna.muster@example.ch' });
    expect(parseLoginIdentifier('756.123.456', atupri, EMAIL_OR_NUMBER)).toEqual({ ok: true, value: '756123456' });
    expect(parseLoginIdentifier('anna', atupri, EMAIL_OR_NUMBER)).toEqual(error('identifier'));
  });

  it('takes a contract number in the format the tenant sets, in upper case', () => {
    const other: LoginIdentifier = { ...CONTRACT, pattern: 'SN\\d{6}', example: 'SN123456' };
    expect(parseLoginIdentifier('sn 123 456', kpt, other)).toEqual({ ok: true, value: 'SN123456' });
    expect(parseLoginIdentifier('KPT12345678', kpt, other)).toEqual(error('contractNumber'));
    // The pattern is the whole number: a longer one that contains it is refused.
    expect(parseLoginIdentifier('XSN1234567', kpt, other)).toEqual(error('contractNumber'));
  });

  it('takes only a contract number on KPT', () => {
    expect(parseLoginIdentifier('kpt 1234 5678', kpt, CONTRACT)).toEqual({ ok: true, value: 'KPT12345678' });
    expect(parseLoginIdentifier('marie.exemple@example.ch', kpt, CONTRACT)).toEqual(error('contractNumber'));
  });
});

describe('parseMobile', () => {
  it.each([
    ['079 123 45 67', '0791234567'],
    ['+41 79 123 45 67', '+41791234567'],
    ['0041 76 123 45 67', '0041761234567'],
    ['(079) 123-45-67', '0791234567'],
    ['078.765.43.21', '0787654321'],
  ])('accepts the Swiss mobile %j', (raw, value) => {
    expect(parseMobile(raw, atupri)).toEqual({ ok: true, value });
  });

  it.each(['031 555 09 11', '044 123 45 67', '079 123 45', '+49 151 12345678', '074 123 45 67'])('refuses %j', (raw) => {
    expect(parseMobile(raw, atupri)).toEqual(error('mobile'));
  });
});

describe('parseName', () => {
  it('trims and collapses spaces', () => {
    expect(parseName('  Anna    Muster ', atupri)).toEqual({ ok: true, value: 'Anna Muster' });
    expect(parseName('Zoë', atupri)).toEqual({ ok: true, value: 'Zoë' });
  });

  it.each(['A', '42', '--', 'x'.repeat(121)])('refuses %j', (raw) => {
    expect(parseName(raw, atupri)).toEqual(error('name'));
  });
});

describe('parseMessage', () => {
  it('accepts 5 to 4000 characters', () => {
    expect(parseMessage('  Aidez-moi  ', atupri)).toEqual({ ok: true, value: 'Aidez-moi' });
    expect(parseMessage('x'.repeat(4000), atupri).ok).toBe(true);
  });

  it.each(['abcd', '   abc   ', 'x'.repeat(4001)])('refuses a message of the wrong length', (raw) => {
    expect(parseMessage(raw, atupri)).toEqual(error('message'));
  });
});

describe('parseOptionalNumber', () => {
  it('accepts letters, digits, dots and dashes, and nothing', () => {
    expect(parseOptionalNumber(' KPT12345678 ', kpt)).toEqual({ ok: true, value: 'KPT12345678' });
    expect(parseOptionalNumber('756.123.456', atupri)).toEqual({ ok: true, value: '756.123.456' });
    expect(parseOptionalNumber('', atupri)).toEqual({ ok: true, value: '' });
  });

  it.each(['<script>', 'a@b.ch', 'x'.repeat(41)])('refuses %j', (raw) => {
    expect(parseOptionalNumber(raw, atupri)).toEqual(error('customerNumber'));
  });
});
