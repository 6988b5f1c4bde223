import type {
  Coop,
  Farmer,
  IrrigationPrescription,
  NitrogenPrescription,
  Principal,
  Prescription,
} from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceRecord, Registry } from '../ports/registry.js';
import { tokenDigest } from '../tokens/token-digest.js';
import { describeAuditAndErasure } from './audit-and-erasure.conformance.js';
import { describeFertiliserApplications } from './fertiliser-applications.conformance.js';
import { describeMessages } from './messages.conformance.js';
import { describePrescriptionHistory } from './prescription-history.conformance.js';
import { describeRegistryRecords } from './registry-records.conformance.js';
import { describeSceneIndices } from './scene-indices.conformance.js';

/** The dead-letter caps a registry is opened with: the suite uses small ones to reach them. */
export interface RegistryCaps {
  maxDeadLetters: number;
  maxDeadLettersPerDevice: number;
}

/**
 * The behaviour every Registry adapter must have, run by each adapter's own test file (as the
 * TimeSeriesStore suite is, and as MQTT.js runs one store suite against every store). `open` is
 * called with the same `location` to reopen a registry, so durability is checked across close
 * and reopen.
 */
export interface RegistryConformanceTarget {
  /** A fresh place for a registry (a temp file, a new database name). */
  newLocation(): Promise<string> | string;
  open(location: string, caps: RegistryCaps): Promise<Registry>;
  /** Where the adapter cuts a dead letter's reason (characters) and payload (bytes). */
  cuts: { reasonChars: number; payloadBytes: number };
}

/** What the suite's registries are opened with, unless a test says otherwise. */
export const CONFORMANCE_CAPS: RegistryCaps = { maxDeadLetters: 5, maxDeadLettersPerDevice: 3 };

export const manager = (coopId: string): Principal => ({
  role: 'manager',
  coopId,
  farmerId: null,
  name: 'M',
});

const provenance = {
  rule: { name: 'r', version: '1' },
  parameterSet: 'built-in',
  sceneId: null,
  forecastIssuedAt: null,
};
const prescriptionBase = (id: string, createdAtMs: number) => ({
  id,
  fieldId: 'f-1',
  coopId: 'coop-a',
  createdAtMs,
  asOfMs: 0,
  summary: '',
  parameters: {},
  provenance,
  inputs: { fromMs: 0, toMs: 0, readingCount: 0, deviceIds: [] },
  steps: [],
});
const irrigation = (id: string, createdAtMs: number): IrrigationPrescription => ({
  ...prescriptionBase(id, createdAtMs),
  kind: 'irrigation',
  action: 'none',
  netDepthMm: 0,
  grossDepthMm: 0,
  volumeM3: 0,
  method: 'drip',
});
const nitrogen = (id: string, createdAtMs: number): NitrogenPrescription => ({
  ...prescriptionBase(id, createdAtMs),
  kind: 'nitrogen',
  action: 'fertilise',
  nKgHa: 20,
  provenance: { ...provenance, sceneId: 'S2-X' },
  zones: [
    { zoneId: 'z-1', areaHa: 0.5, status: 'no-rate', reason: 'cloudy over the zone' },
    {
      zoneId: 'z-2',
      areaHa: 0.5,
      status: 'ok',
      nKgHa: 40,
      sceneId: 'S2-X',
      zoneNdvi: 0.5,
      referenceNdvi: 0.7,
      reference: 'best-zone',
      growingDays: 60,
      splits: [{ share: 1, nKgHa: 40, when: 'now' }],
      products: [{ product: 'urea', name: 'Urea', kgPerHa: 87, kgPerPlot: 43.5, bagsPerPlot: 1 }],
      summary: 'N 40 kg/ha',
      steps: [{ name: 'NDVI', formula: 'mean', value: 0.5, unit: '', source: 'S2' }],
    },
  ],
});

const coop = (id: string, name = id): Coop => ({
  id,
  name,
  countryCode: 'ET',
  timezone: 'Africa/Addis_Ababa',
});
const farmer = (id: string, coopId: string): Farmer => ({
  id,
  coopId,
  name: id,
  phone: '+251911000000',
  language: 'am',
});
const field = (id: string, farmerId: string, coopId = 'coop-a') =>
  fieldFixture({ id, coopId, farmerId, name: id, areaHa: 0.8 });
const device = (id: string, coopId: string, fieldId: string | null): DeviceRecord => ({
  id,
  coopId,
  fieldId,
  zoneId: null,
  kind: 'soil-probe',
  secretHash: `sha256$${id}`,
});

export function describeRegistry(adapter: string, target: RegistryConformanceTarget): void {
  describe(`Registry conformance: ${adapter}`, () => {
    let location: string;
    let registry: Registry;
    const reopen = async () => {
      await registry.close();
      registry = await target.open(location, CONFORMANCE_CAPS);
    };
    beforeEach(async () => {
      location = await target.newLocation();
      registry = await target.open(location, CONFORMANCE_CAPS);
    });
    afterEach(() => registry.close());

    it('keeps cooperatives and farmers by id, replacing on upsert, listed by id', async () => {
      await registry.coops.upsert(coop('coop-b'));
      await registry.coops.upsert(coop('coop-a', 'Old name'));
      await registry.coops.upsert(coop('coop-a', 'Meki Batu'));
      await registry.farmers.upsert(farmer('farmer-2', 'coop-a'));
      await registry.farmers.upsert(farmer('farmer-1', 'coop-a'));
      await registry.farmers.upsert(farmer('farmer-3', 'coop-b'));
      expect(await registry.coops.get('coop-a')).toEqual(coop('coop-a', 'Meki Batu'));
      expect(await registry.coops.get('coop-z')).toBeUndefined();
      expect(await registry.coops.list()).toEqual([coop('coop-a', 'Meki Batu'), coop('coop-b')]);
      expect(await registry.farmers.get('farmer-3')).toEqual(farmer('farmer-3', 'coop-b'));
      expect(await registry.farmers.get('farmer-9')).toBeUndefined();
      expect(await registry.farmers.list('coop-a')).toEqual([
        farmer('farmer-1', 'coop-a'),
        farmer('farmer-2', 'coop-a'),
      ]);
      expect(await registry.farmers.list('coop-z')).toEqual([]);
      // A reply names only its number: every farmer with it, whatever the cooperative.
      const moved = { ...farmer('farmer-3', 'coop-b'), phone: '+255700000003' };
      await registry.farmers.upsert(moved);
      expect(await registry.farmers.byPhone('+255700000003')).toEqual([moved]);
      expect((await registry.farmers.byPhone('+251911000000')).map((f) => f.id)).toEqual([
        'farmer-1',
        'farmer-2',
      ]);
    });

    it('filters fields by cooperative and farmer, and survives reopening', async () => {
      await registry.fields.upsert(field('f-1', 'farmer-1'));
      await registry.fields.upsert(field('f-2', 'farmer-2'));
      await registry.fields.upsert(field('f-3', 'farmer-3', 'coop-b'));
      expect((await registry.fields.list({ farmerId: 'farmer-2' })).map((f) => f.id)).toEqual([
        'f-2',
      ]);
      expect((await registry.fields.list({ coopId: 'coop-a' })).map((f) => f.id)).toEqual([
        'f-1',
        'f-2',
      ]);
      expect(await registry.fields.list({ coopId: 'coop-b', farmerId: 'farmer-1' })).toEqual([]);
      expect(await registry.fields.list()).toEqual([
        field('f-1', 'farmer-1'),
        field('f-2', 'farmer-2'),
        field('f-3', 'farmer-3', 'coop-b'),
      ]);
      await reopen();
      expect(await registry.fields.get('f-3')).toEqual(field('f-3', 'farmer-3', 'coop-b'));
      expect(await registry.fields.get('f-9')).toBeUndefined();
    });

    it('keeps devices with their secret hash, filtered by cooperative and field', async () => {
      const gateway: DeviceRecord = {
        ...device('gw-1', 'coop-a', null),
        kind: 'beidou-gateway',
        relayFor: ['soil-2'],
      };
      await registry.devices.upsert(device('soil-2', 'coop-a', 'f-1'));
      await registry.devices.upsert(device('soil-1', 'coop-a', 'f-2'));
      await registry.devices.upsert(gateway);
      await registry.devices.upsert(device('soil-3', 'coop-b', 'f-3'));
      await registry.devices.upsert({ ...device('soil-1', 'coop-a', 'f-1'), zoneId: 'zone-1' });
      expect(await registry.devices.get('gw-1')).toEqual(gateway);
      expect(await registry.devices.get('soil-9')).toBeUndefined();
      expect(await registry.devices.list({ fieldId: 'f-1' })).toEqual([
        { ...device('soil-1', 'coop-a', 'f-1'), zoneId: 'zone-1' },
        device('soil-2', 'coop-a', 'f-1'),
      ]);
      expect((await registry.devices.list({ coopId: 'coop-a' })).map((d) => d.id)).toEqual([
        'gw-1',
        'soil-1',
        'soil-2',
      ]);
      expect((await registry.devices.list()).map((d) => d.id)).toEqual([
        'gw-1',
        'soil-1',
        'soil-2',
        'soil-3',
      ]);
      expect(await registry.devices.list({ coopId: 'coop-b', fieldId: 'f-1' })).toEqual([]);
    });

    it('keeps a device disabled across a reopen until it is enabled, its secret kept', async () => {
      await registry.devices.upsert(device('soil-1', 'coop-a', 'f-1'));
      await registry.devices.upsert({ ...device('soil-1', 'coop-a', 'f-1'), disabledMs: 7_000 });
      await reopen();
      expect(await registry.devices.get('soil-1')).toEqual({
        ...device('soil-1', 'coop-a', 'f-1'),
        disabledMs: 7_000,
      });
      expect(await registry.devices.list({ coopId: 'coop-a' })).toEqual([
        { ...device('soil-1', 'coop-a', 'f-1'), disabledMs: 7_000 },
      ]);
      await registry.devices.upsert({ ...device('soil-1', 'coop-a', 'f-1'), disabledMs: null });
      expect(await registry.devices.get('soil-1')).toEqual({
        ...device('soil-1', 'coop-a', 'f-1'),
        disabledMs: null,
      });
    });

    it('finds a token only before it expires and until it is revoked', async () => {
      const hash = tokenDigest('secret-a');
      const added = await registry.tokens.add(hash, manager('coop-a'), {
        createdMs: 1_000,
        expiresMs: 5_000,
        label: 'demo:manager',
      });
      expect(added).toEqual({
        id: hash.slice(0, 16),
        principal: manager('coop-a'),
        createdMs: 1_000,
        expiresMs: 5_000,
        revokedMs: null,
        label: 'demo:manager',
      });
      expect(await registry.tokens.find(hash, 4_999)).toEqual(manager('coop-a'));
      expect(await registry.tokens.find(hash, 5_000)).toBeUndefined();
      expect(await registry.tokens.find(tokenDigest('never-added'), 1_000)).toBeUndefined();
      const other = tokenDigest('secret-b');
      await registry.tokens.add(other, manager('coop-b'), { createdMs: 2_000, expiresMs: null });
      expect(await registry.tokens.find(other, 10 ** 13)).toEqual(manager('coop-b'));
      expect(await registry.tokens.revoke(other.slice(0, 16), 3_000)).toBe(true);
      expect(await registry.tokens.revoke('no-such-token', 3_000)).toBe(false);
      expect(await registry.tokens.find(other, 3_001)).toBeUndefined();
      // Revoking again still finds the token, and keeps when it was first revoked.
      expect(await registry.tokens.revoke(other.slice(0, 16), 4_000)).toBe(true);
      expect((await registry.tokens.list()).map((t) => [t.id, t.revokedMs])).toEqual([
        [other.slice(0, 16), 3_000],
        [hash.slice(0, 16), null],
      ]);
      expect(await registry.tokens.list({ coopId: 'coop-b' })).toEqual([
        {
          id: other.slice(0, 16),
          principal: manager('coop-b'),
          createdMs: 2_000,
          expiresMs: null,
          revokedMs: 3_000,
          label: null,
        },
      ]);
      expect((await registry.tokens.list({ coopId: 'coop-a' })).map((t) => t.label)).toEqual([
        'demo:manager',
      ]);
      expect(await registry.tokens.list({ label: 'demo:manager' })).toEqual([added]);
      expect(await registry.tokens.list({ label: 'demo:farmer' })).toEqual([]);
      await reopen();
      expect(await registry.tokens.find(hash, 4_999)).toEqual(manager('coop-a'));
      expect(await registry.tokens.find(other, 3_001)).toBeUndefined();
    });

    it('returns the newest prescription of a field', async () => {
      const p2: Prescription = { ...irrigation('p-2', 20), summary: 'irrigate' };
      await registry.prescriptions.add(irrigation('p-1', 10));
      await registry.prescriptions.add(p2);
      await registry.prescriptions.add(irrigation('p-0', 5));
      await registry.prescriptions.add({ ...irrigation('p-3', 30), fieldId: 'f-2' });
      expect((await registry.prescriptions.latest('f-1'))?.id).toBe('p-2');
      expect(await registry.prescriptions.latest('f-1')).toEqual(p2);
      expect(await registry.prescriptions.latest('f-9')).toBeUndefined();
    });

    it('keeps each kind of prescription: a newer nitrogen one never hides the irrigation', async () => {
      const water = irrigation('w-1', 10);
      const n1 = nitrogen('n-1', 20);
      const n2 = { ...nitrogen('n-2', 30), nKgHa: 0, action: 'none' as const };
      for (const p of [water, n1, n2, { ...nitrogen('n-9', 40), fieldId: 'f-2' }])
        await registry.prescriptions.add(p);
      expect(await registry.prescriptions.latest('f-1')).toEqual(n2);
      expect(await registry.prescriptions.latest('f-1', 'irrigation')).toEqual(water);
      expect(await registry.prescriptions.latest('f-1', 'nitrogen')).toEqual(n2);
      expect(await registry.prescriptions.latestByKind('f-1')).toEqual({
        irrigation: water,
        nitrogen: n2,
      });
      expect(await registry.prescriptions.latestByKind('f-2')).toEqual({
        nitrogen: { ...nitrogen('n-9', 40), fieldId: 'f-2' },
      });
      expect(await registry.prescriptions.latest('f-2', 'irrigation')).toBeUndefined();
      expect(await registry.prescriptions.latestByKind('f-9')).toEqual({});
      await reopen();
      expect(await registry.prescriptions.latest('f-1', 'irrigation')).toEqual(water);
    });

    describeRegistryRecords(target, () => registry);
    describeFertiliserApplications(() => registry, reopen);
    describeMessages(() => registry, reopen);
    describeAuditAndErasure(() => registry, reopen);
    describePrescriptionHistory(() => registry);
    describeSceneIndices(() => registry);
  });
}
