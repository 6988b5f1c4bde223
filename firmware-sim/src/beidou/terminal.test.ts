import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCompact, formatTxa, parseFki, parseTxr } from '@shamba/schemas';
import { startBeidouFirmware } from '../firmware/beidou-firmware.js';
import { GLOBAL_CIVIL_CARD, createShortMessageNetwork, createTerminal } from './terminal.js';

const T = Date.UTC(2026, 10, 28, 9);

describe('BeiDou short-message terminal', () => {
  // The sentences themselves are tested in @shamba/schemas (nmea/rdss-sentences.test.ts).
  it('refuses a send within the card interval, and over its length, without losing the readings', async () => {
    const network = createShortMessageNetwork();
    const received: string[] = [];
    network.attach('0400001', (line) => received.push(line));
    const terminal = createTerminal({ cardId: '0412345', network });
    const firmware = startBeidouFirmware({
      deviceId: 'probe-remote',
      flashPath: join(mkdtempSync(join(tmpdir(), 'shamba-bd-')), 'probe-remote.log'),
      terminal,
      gatewayCard: '0400001',
      limits: GLOBAL_CIVIL_CARD,
    });
    const values = {
      vwc10: 0.21,
      vwc30: 0.24,
      vwc60: 0.27,
      soilTempC: 19.5,
      ecDsM: 0.61,
      batteryPct: 80,
    };
    for (let i = 0; i < 5; i++) firmware.record('soil', T + i * 900_000, values);
    firmware.pump(T, T + 1); // one frame: as many samples as fit 70 bytes, four
    expect([firmware.queue.size, firmware.refused]).toEqual([1, 0]);
    firmware.pump(T + 30_000, T + 30_001); // 30 s later: the card refuses; nothing leaves flash
    expect([firmware.queue.size, firmware.refused]).toEqual([1, 1]);
    firmware.pump(T + 60_000, T + 60_001);
    expect(firmware.queue.size).toBe(0);
    await Promise.resolve();
    const delivered = received.map(parseTxr);
    expect(delivered.map((m) => [m.fromCard, m.payload.length <= 70])).toEqual([
      ['0412345', true],
      ['0412345', true],
    ]);
    const readings = delivered.flatMap((m) => decodeCompact(m.payload, 'probe-remote'));
    expect(readings.map((r) => [r.seq, r.timeMs])).toEqual(
      [0, 1, 2, 3, 4].map((i) => [i, T + i * 900_000]),
    );
    // Over the length cap: refused, not truncated.
    const tooLong = terminal.write(
      formatTxa({ toCard: '0400001', payload: new Uint8Array(71) }),
      T + 600_000,
    );
    expect(parseFki(tooLong)).toMatchObject({ done: false });
  });
});
