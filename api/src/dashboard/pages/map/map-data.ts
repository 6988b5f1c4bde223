import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import pointToPolygonDistance from '@turf/point-to-polygon-distance';
import {
  DAY_MS,
  type Field,
  type Polygon,
  type Principal,
  type StoredReading,
} from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { indexMean } from '@shamba/raster';
import { fieldFilterFor } from '../../../auth/tenancy.js';

/** What the map draws for one polygon (a field, or one of its zones). */
export interface MapArea {
  fieldId: string;
  zoneId: string | null;
  name: string;
  boundary: Polygon;
  areaHa: number;
  /** Mean NDVI over the area in the newest clear scene; null without one. */
  ndvi: number | null;
  /** Gross irrigation depth of the newest irrigation prescription, mm. */
  waterMm: number | null;
  /** N rate of the newest nitrogen prescription, kg N/ha. */
  nKgHa: number | null;
}

export interface MapField {
  id: string;
  name: string;
  crop: string;
  areaHa: number;
  ndvi: number | null;
  waterMm: number | null;
  nKgHa: number | null;
  /** The newest clear scene over the field: the NDVI image drawn under it. */
  scene: { id: string; acquired: string } | null;
  /** [[south, west], [north, east]] of the boundary, for the image and the view. */
  bounds: [[number, number], [number, number]];
}

export interface MapDevice {
  id: string;
  kind: string;
  fieldId: string | null;
  latitudeDeg: number;
  longitudeDeg: number;
  /** NMEA 0183 GGA quality: 4 RTK fixed, 5 RTK float, 1-2 single (2 differential), 0 none. */
  fixQuality: number;
  time: string;
  /** Metres outside its field's boundary, when beyond MOVED_THRESHOLD_M. */
  movedM: number | null;
}

export interface MapData {
  fields: MapField[];
  areas: MapArea[];
  devices: MapDevice[];
}

/**
 * How far outside its field a fix must be to flag the device as moved: the same threshold as
 * the broker's `device.moved` event (ingest's position watch), beyond GNSS error and a boundary
 * drawn by hand.
 */
export const MOVED_THRESHOLD_M = 25;

/** Newest fixes are looked for over this window: devices report their position a few times a day. */
const FIX_WINDOW_MS = 7 * DAY_MS;

function boundsOf(polygon: Polygon): MapField['bounds'] {
  const ring = polygon.coordinates[0] ?? [];
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return [
    [Math.min(...lats), Math.min(...lons)],
    [Math.max(...lats), Math.max(...lons)],
  ];
}

const round = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? null
    : Number(value.toFixed(digits));

/** A zone's N rate, when it has one (a crop without an N budget has none). */
const zoneNitrogen = (zone: object | undefined) =>
  zone !== undefined && 'nKgHa' in zone && typeof zone.nKgHa === 'number' ? zone.nKgHa : null;

/** One field's polygons with their newest NDVI and prescribed amounts. */
async function fieldLayers(registry: Registry, field: Field) {
  const [series, latest] = await Promise.all([
    registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId }),
    registry.prescriptions.latestByKind(field.id),
  ]);
  const clear = [...series].reverse().find((s) => s.indices.status === 'ok');
  const water = latest.irrigation;
  const nitrogen = latest.nitrogen;
  // A field without zones is one zone, with the field's id (as the prescriptions see it).
  const zones = field.zones ?? [
    { id: field.id, name: field.name, boundary: field.boundary, areaHa: field.areaHa },
  ];
  const areas: MapArea[] = zones.map((zone) => ({
    fieldId: field.id,
    zoneId: zone.id,
    name: zone.name ?? zone.id,
    boundary: zone.boundary,
    areaHa: zone.areaHa,
    ndvi: round(
      indexMean(
        clear?.indices.zones?.[zone.id] ?? (zones.length === 1 ? clear?.indices : undefined),
        'ndvi',
      ),
      3,
    ),
    waterMm: round(water?.zones?.find((z) => z.zoneId === zone.id)?.grossDepthMm, 1),
    nKgHa: round(zoneNitrogen(nitrogen?.zones.find((z) => z.zoneId === zone.id)), 1),
  }));
  const mapField: MapField = {
    id: field.id,
    name: field.name,
    crop: field.crop,
    areaHa: field.areaHa,
    ndvi: round(indexMean(clear?.indices, 'ndvi'), 3),
    waterMm: round(water?.grossDepthMm, 1),
    nKgHa: round(nitrogen?.nKgHa, 1),
    scene:
      clear === undefined
        ? null
        : { id: clear.sceneId, acquired: new Date(clear.acquiredMs).toISOString() },
    bounds: boundsOf(field.boundary),
  };
  return { mapField, areas };
}

/** The newest fix of each device within the window, flagged when away from its field. */
async function devicePositions(
  store: TimeSeriesStore,
  devices: { id: string; kind: string; fieldId: string | null }[],
  at: { fields: Map<string, Field>; nowMs: number },
): Promise<MapDevice[]> {
  const { fields, nowMs } = at;
  // One query for the cooperative's fixes of the last day; a week back only for the devices
  // that had none (a device that reports its position rarely, or was away).
  const newest = new Map<string, StoredReading>();
  const keep = (fixes: readonly StoredReading[]) => {
    for (const r of fixes)
      if (r.values.latitudeDeg !== undefined && r.values.longitudeDeg !== undefined)
        newest.set(r.deviceId, r);
  };
  const query = (deviceIds: string[], fromMs: number) =>
    store.query({ deviceIds, stream: 'gnss', fromMs, toMs: nowMs + 60_000 });
  if (devices.length > 0)
    keep(
      await query(
        devices.map((d) => d.id),
        nowMs - DAY_MS,
      ),
    );
  const missing = devices.filter((d) => !newest.has(d.id)).map((d) => d.id);
  if (missing.length > 0) keep(await query(missing, nowMs - FIX_WINDOW_MS));
  const found = devices.map((device) => {
    const fix = newest.get(device.id);
    if (fix === undefined) return undefined;
    const latitudeDeg = fix.values.latitudeDeg!;
    const longitudeDeg = fix.values.longitudeDeg!;
    const field = device.fieldId === null ? undefined : fields.get(device.fieldId);
    let movedM: number | null = null;
    if (
      field !== undefined &&
      !booleanPointInPolygon([longitudeDeg, latitudeDeg], field.boundary)
    ) {
      const distance = Math.abs(
        pointToPolygonDistance([longitudeDeg, latitudeDeg], field.boundary, { units: 'meters' }),
      );
      if (distance >= MOVED_THRESHOLD_M) movedM = Math.round(distance);
    }
    return {
      id: device.id,
      kind: device.kind,
      fieldId: device.fieldId,
      latitudeDeg,
      longitudeDeg,
      fixQuality: fix.values.fixQuality ?? 0,
      time: new Date(fix.timeMs).toISOString(),
      movedM,
    } satisfies MapDevice;
  });
  return found.filter((d) => d !== undefined);
}

/** Everything the map shows to this principal: their fields only (tenancy), and their devices. */
export async function mapData(
  deps: { registry: Registry; store: TimeSeriesStore; clock: () => number },
  principal: Principal,
): Promise<MapData> {
  const { registry } = deps;
  const fields = await registry.fields.list(fieldFilterFor(principal));
  const layers = await Promise.all(fields.map((field) => fieldLayers(registry, field)));
  const byId = new Map(fields.map((f) => [f.id, f]));
  const coopIds = [...new Set(fields.map((f) => f.coopId))];
  const devices = (await Promise.all(coopIds.map((coopId) => registry.devices.list({ coopId }))))
    .flat()
    // A farmer sees the devices on their own fields; staff every device of the cooperative.
    .filter((d) => principal.role !== 'farmer' || (d.fieldId !== null && byId.has(d.fieldId)));
  return {
    fields: layers.map((l) => l.mapField),
    areas: layers.flatMap((l) => l.areas),
    devices: await devicePositions(deps.store, devices, { fields: byId, nowMs: deps.clock() }),
  };
}
