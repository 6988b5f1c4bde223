import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '@shamba/agronomy';
import type { IrrigationPrescription, StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, fieldFixture } from '@shamba/schemas/testing';
import { COOP, seedCoop, seedStation, seedToken, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

const EAT = 180;

// A dry plot due for water; the met service then forecasts a soaking rain for tomorrow: the
// next pass holds the water and says why, and a dry forecast brings the irrigation back.
describe('weather forecasts in prescriptions', () => {
  it('hold irrigation when the forecast rain covers the need', async () => {
    using dir = tempDir();
    await using shamba = await startShamba(dir.path);
    const { registry, store } = shamba;
    const now = Math.floor(Date.now() / 900_000) * 900_000;
    const today = localDate(now, EAT);
    const day = (k: number) => addDays(today, k);
    await seedCoop(registry);
    await registry.fields.upsert(
      fieldFixture({
        id: 'plot',
        coopId: COOP,
        farmerId: 'f',
        plantingDate: day(-90),
        elevationM: 1640,
      }),
    );
    await registry.devices.upsert({
      id: 'probe',
      coopId: COOP,
      fieldId: 'plot',
      zoneId: null,
      kind: 'soil-probe',
      secretHash: 'x',
    });
    await seedStation(shamba, { from: day(-5), days: 5 }, () => DRY_SEASON_DAY);
    const readings: StoredReading[] = [];
    // theta 0.16 over 0.6 m of loam: Dr = 54 mm, beyond RAW (about 40 mm).
    readings.push({
      deviceId: 'probe',
      stream: 'soil',
      timeMs: now - 900_000,
      seq: 1,
      values: { vwc10: 0.16, vwc30: 0.16, vwc60: 0.16 },
      coopId: COOP,
      fieldId: 'plot',
      zoneId: null,
      receivedMs: now,
    });
    await store.write(readings);
    const manager = await seedToken(registry, {
      role: 'manager',
      coopId: COOP,
      farmerId: null,
      name: 'M',
    });
    const put = (body: unknown) =>
      fetch(`${shamba.api.url}/v1/coops/${COOP}/weather-forecast`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${manager}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const [dry] = (await shamba.prescriptions.runOnce()).filter(
      (p): p is IrrigationPrescription => p.kind === 'irrigation',
    );
    expect([dry!.action, dry!.parameters.forecast]).toEqual([
      'irrigate',
      'persistence (no forecast)',
    ]);

    expect(
      (
        await put({
          source: 'NMA',
          issuedAt: new Date(now).toISOString(),
          days: [{ date: day(1), rainMm: 5 }],
        })
      ).status,
    ).toBe(400);
    const wet = await put({
      source: 'NMA Ethiopia',
      issuedAt: new Date(now).toISOString(),
      days: [
        { date: day(1), rainMm: 45, tMaxC: 24, tMinC: 14 },
        { date: day(2), rainMm: 10, et0Mm: 3.5 },
      ],
    });
    expect(wet.status).toBe(200);
    const [held] = (await shamba.prescriptions.runOnce()).filter(
      (p): p is IrrigationPrescription => p.kind === 'irrigation',
    );
    expect(held!.action).toBe('none');
    expect(held!.zones![0]).toMatchObject({ action: 'none', reason: 'rain-covers' });
    expect(held!.parameters.forecast).toMatch(/^NMA Ethiopia issued /);
    expect(held!.zones![0]!.summary).toMatch(/55 mm of rain is forecast/); // 45 + 10 over the two days it may wait;

    // A later, dry issue: water again. (An older issue put after it would be ignored.)
    await put({
      source: 'NMA Ethiopia',
      issuedAt: new Date(now + 3_600_000).toISOString(),
      days: [{ date: day(1), rainMm: 0, tMaxC: 29, tMinC: 13 }],
    });
    await put({
      source: 'NMA Ethiopia',
      issuedAt: new Date(now - 3_600_000).toISOString(),
      days: [{ date: day(1), rainMm: 80, et0Mm: 3 }],
    });
    const [again] = (await shamba.prescriptions.runOnce()).filter(
      (p): p is IrrigationPrescription => p.kind === 'irrigation',
    );
    expect(again!.action).toBe('irrigate');
    expect(again!.provenance.forecastIssuedAt).toBe(new Date(now + 3_600_000).toISOString());
  });
});
