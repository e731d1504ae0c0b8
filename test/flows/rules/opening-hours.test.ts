import { describe, expect, it } from 'vitest';
import type { OpeningSlot } from '../../../src/content/types.ts';
import { isOpen } from '../../../src/rules/opening-hours.ts';

const WEEKDAYS: OpeningSlot[] = [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' }];

describe('isOpen', () => {
  it.each([
    ['2026-11-23T08:00:00+01:00', true, 'Monday at opening time'],
    ['2026-11-23T07:59:00+01:00', false, 'Monday a minute before'],
    ['2026-11-23T16:59:00+01:00', true, 'Monday a minute before closing'],
    ['2026-11-23T17:00:00+01:00', false, 'Monday at closing time'],
    ['2026-11-27T12:00:00+01:00', true, 'Friday noon'],
    ['2026-11-21T10:00:00+01:00', false, 'Saturday morning'],
    ['2026-11-22T10:00:00+01:00', false, 'Sunday morning'],
  ])('at %s is %s (%s)', (at, open) => {
    expect(isOpen(WEEKDAYS, new Date(at))).toBe(open);
  });

  it('reads the hours in Zurich time, not UTC', () => {
    // 07:30 UTC is 08:30 in Zurich in winter: open; 16:30 UTC is 17:30: closed
    expect(isOpen(WEEKDAYS, new Date('2026-11-23T07:30:00Z'))).toBe(true);
    expect(isOpen(WEEKDAYS, new Date('2026-11-23T16:30:00Z'))).toBe(false);
    // in summer Zurich is UTC+2: 06:30 UTC is 08:30
    expect(isOpen(WEEKDAYS, new Date('2026-07-06T06:30:00Z'))).toBe(true);
    expect(isOpen(WEEKDAYS, new Date('2026-07-06T15:30:00Z'))).toBe(false);
  });

  it('combines several slots, such as a lunch break and a Saturday morning', () => {
    const hours: OpeningSlot[] = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '12:00' },
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '13:30', close: '17:00' },
      { days: ['sat'], open: '09:00', close: '11:00' },
    ];
    expect(isOpen(hours, new Date('2026-11-23T12:30:00+01:00'))).toBe(false);
    expect(isOpen(hours, new Date('2026-11-23T14:00:00+01:00'))).toBe(true);
    expect(isOpen(hours, new Date('2026-11-21T10:00:00+01:00'))).toBe(true);
  });

  it('is never open without hours', () => {
    expect(isOpen([], new Date('2026-11-23T10:00:00+01:00'))).toBe(false);
  });
});
