import { describe, expect, it } from 'vitest';
import { endOfQuietHours, startOfLocalDay, startOfLocalMonth } from './quiet-hours.js';

const ADDIS = 'Africa/Addis_Ababa'; // UTC+3, no daylight saving
const NIGHT = { start: '20:00', end: '06:00' };

describe('quiet hours', () => {
  it('holds a message sent at 22:30 in Addis Ababa to 06:00 the next morning', () => {
    const at = Date.parse('2026-11-20T19:30:00Z'); // 22:30 local
    expect(new Date(endOfQuietHours({ nowMs: at, quietHours: NIGHT, timeZone: ADDIS }))).toEqual(
      new Date('2026-11-21T03:00:00Z'),
    );
  });

  it('holds one sent at 05:59:30 local for the half minute left, and lets 06:00 through', () => {
    const early = Date.parse('2026-11-21T02:59:30Z');
    expect(endOfQuietHours({ nowMs: early, quietHours: NIGHT, timeZone: ADDIS })).toBe(
      Date.parse('2026-11-21T03:00:00Z'),
    );
    const six = Date.parse('2026-11-21T03:00:00Z');
    expect(endOfQuietHours({ nowMs: six, quietHours: NIGHT, timeZone: ADDIS })).toBe(six);
  });

  it('knows a window inside one day, and an empty one', () => {
    const noon = Date.parse('2026-11-20T09:10:00Z'); // 12:10 local
    const lunch = { start: '12:00', end: '13:00' };
    expect(endOfQuietHours({ nowMs: noon, quietHours: lunch, timeZone: ADDIS })).toBe(
      Date.parse('2026-11-20T10:00:00Z'),
    );
    const none = { start: '00:00', end: '00:00' };
    expect(endOfQuietHours({ nowMs: noon, quietHours: none, timeZone: ADDIS })).toBe(noon);
  });

  it('finds the local day and month starts (Sao Paulo, UTC-3)', () => {
    const at = Date.parse('2026-11-20T02:30:00Z'); // 23:30 on the 19th in Sao Paulo
    expect(startOfLocalDay(at, 'America/Sao_Paulo')).toBe(Date.parse('2026-11-19T03:00:00Z'));
    expect(startOfLocalMonth(at, 'America/Sao_Paulo')).toBe(Date.parse('2026-11-01T03:00:00Z'));
  });
});
