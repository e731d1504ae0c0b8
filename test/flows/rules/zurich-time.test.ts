import { describe, expect, it } from 'vitest';
import { firstOfNextMonth, isoDate, longDate, zurichNow } from '../../../src/rules/zurich-time.ts';

describe('zurichNow', () => {
  it('gives the calendar date, time and weekday in Zurich', () => {
    expect(zurichNow(new Date('2026-11-21T09:00:00Z'))).toEqual({ year: 2026, month: 11, day: 21, hhmm: '10:00', weekday: 'sat' });
  });

  it('is already the next day in Zurich late in the UTC evening', () => {
    expect(zurichNow(new Date('2026-12-31T23:30:00Z'))).toMatchObject({ year: 2027, month: 1, day: 1, hhmm: '00:30', weekday: 'fri' });
  });

  it('follows summer time', () => {
    expect(zurichNow(new Date('2026-07-06T06:30:00Z'))).toMatchObject({ hhmm: '08:30', weekday: 'mon' });
  });

  it('uses 00 for midnight, not 24', () => {
    expect(zurichNow(new Date('2026-11-22T23:00:00Z')).hhmm).toBe('00:00');
  });
});

describe('isoDate', () => {
  it('pads month and day', () => {
    expect(isoDate(2027, 1, 1)).toBe('2027-01-01');
    expect(isoDate(2026, 12, 31)).toBe('2026-12-31');
  });
});

describe('firstOfNextMonth', () => {
  it('gives the first day of the next month', () => {
    expect(firstOfNextMonth(new Date('2026-11-21T10:00:00+01:00'))).toBe('2026-12-01');
    expect(firstOfNextMonth(new Date('2026-01-31T12:00:00+01:00'))).toBe('2026-02-01');
  });

  it('crosses the year end in December', () => {
    expect(firstOfNextMonth(new Date('2026-12-15T10:00:00+01:00'))).toBe('2027-01-01');
    expect(firstOfNextMonth(new Date('2026-12-31T23:59:00+01:00'))).toBe('2027-01-01');
  });

  it('counts in Zurich time: 30 November 23:30 UTC is already December in Zurich', () => {
    expect(firstOfNextMonth(new Date('2026-11-30T23:30:00Z'))).toBe('2027-01-01');
    expect(firstOfNextMonth(new Date('2026-12-31T23:30:00Z'))).toBe('2027-02-01');
  });
});

describe('longDate', () => {
  it.each([
    ['2027-01-01', 'fr', '1er janvier 2027'],
    ['2027-01-01', 'de', '1. Januar 2027'],
    ['2027-01-01', 'it', '1° gennaio 2027'],
    ['2026-11-30', 'fr', '30 novembre 2026'],
    ['2026-11-30', 'de', '30. November 2026'],
    ['2026-11-30', 'it', '30 novembre 2026'],
    ['2026-12-01', 'fr', '1er décembre 2026'],
    ['2026-03-05', 'de', '5. März 2026'],
    ['2026-08-02', 'fr', '2 août 2026'],
    ['2026-12-31', 'it', '31 dicembre 2026'],
  ] as const)('writes %s in %s as "%s"', (iso, lang, text) => {
    expect(longDate(iso, lang)).toBe(text);
  });
});
