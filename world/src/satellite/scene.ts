import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { DAY_MS } from '@shamba/schemas';
import type { Scenario } from '../scenarios/scenario.js';
import { gaussian, rng, type Rng } from '../random/rng.js';
import { surfaceReflectance, type Reflectance } from '../optics/canopy-optics.js';
import type { World } from '../world/world.js';
import { zonesOf } from '../zones/zones.js';
import { utmProjector, utmZoneOf, type UtmZone } from './utm.js';

/**
 * A Sentinel-2 L2A-like scene over a scenario's fields, rendered from the world's canopy and
 * water state: B04 (red) and B08 (NIR) at 10 m, B8A (narrow NIR), B11 (SWIR) and SCL (scene
 * classification) at 20 m, UTM, digital numbers as ESA distributes them since processing
 * baseline 04.00: DN = 10000 x reflectance + 1000 (BOA_ADD_OFFSET -1000), 0 = no data.
 */
export const BANDS = {
  B04: { resolutionM: 10, name: 'red', centreNm: 665 },
  B08: { resolutionM: 10, name: 'nir', centreNm: 842 },
  B8A: { resolutionM: 20, name: 'nir08', centreNm: 865 },
  B11: { resolutionM: 20, name: 'swir16', centreNm: 1610 },
  SCL: { resolutionM: 20, name: 'scl', centreNm: null },
} as const;
export type BandName = keyof typeof BANDS;

/** Sentinel-2 scene classification values used here (ESA L2A product specification). */
export const SCL = {
  NO_DATA: 0,
  CLOUD_SHADOW: 3,
  VEGETATION: 4,
  NOT_VEGETATED: 5,
  CLOUD_MEDIUM: 8,
  CLOUD_HIGH: 9,
} as const;

export const DN_SCALE = 10_000;
export const DN_OFFSET = 1000;
/** Sentinel-2A and 2B together revisit every five days; the descending node is at 10:30. */
export const REVISIT_DAYS = 5;
export const OVERPASS_SOLAR_HOUR = 10.5;

export interface Raster {
  band: BandName;
  width: number;
  height: number;
  /** UTM coordinates of the upper-left corner of the upper-left pixel. */
  originX: number;
  originY: number;
  resolutionM: number;
  data: Uint16Array;
}

export interface Scene {
  id: string;
  acquiredMs: number;
  utm: UtmZone;
  bands: Record<BandName, Raster>;
  cloudCoverPct: number;
  /** What the world put in, per field, for checking what the raster pipeline gets out. */
  truth: Record<string, { canopyCover: number; waterStress: number; ndvi: number; ndmi: number }>;
}

/** Background between fields: dry grass and bush on bare rift soil. */
const BACKGROUND = { canopyCover: 0.25, waterStress: 0.5 };
const MARGIN_M = 300;
const REFLECTANCE_NOISE = 0.004;

export function renderScene(
  scenario: Scenario,
  world: World,
  options: { seed?: number } = {},
): Scene {
  const acquiredMs = world.timeMs;
  const random: Rng = rng((options.seed ?? scenario.seed) ^ Math.floor(acquiredMs / DAY_MS));
  const utm = utmZoneOf(scenario.site.longitudeDeg, scenario.site.latitudeDeg);
  const project = utmProjector(utm);
  const fields = scenario.fields.map((f) => {
    const ring = f.boundary.coordinates.map((r) => r.map((p) => project.forward(p)));
    const xs = ring[0]!.map((p) => p[0]);
    // Each zone with its own canopy and water state; a gentle gradient inside it adds texture.
    const zones = zonesOf(f).map((z) => ({
      polygon: {
        type: 'Polygon' as const,
        coordinates: z.boundary.coordinates.map((r) => r.map((p) => project.forward(p))),
      },
      crop: world.crop(z.id),
    }));
    return {
      id: f.id,
      polygon: { type: 'Polygon' as const, coordinates: ring },
      zones,
      crop: world.crop(f.id),
      minX: Math.min(...xs),
      spanX: Math.max(...xs) - Math.min(...xs),
    };
  });
  const all = fields.flatMap((f) => f.polygon.coordinates[0]!);
  const snap = (v: number, down: boolean) =>
    down ? Math.floor(v / 20) * 20 : Math.ceil(v / 20) * 20;
  const minX = snap(Math.min(...all.map((p) => p[0])) - MARGIN_M, true);
  const maxX = snap(Math.max(...all.map((p) => p[0])) + MARGIN_M, false);
  const minY = snap(Math.min(...all.map((p) => p[1])) - MARGIN_M, true);
  const maxY = snap(Math.max(...all.map((p) => p[1])) + MARGIN_M, false);

  // Clouds: a few soft blobs; more in rainy months. Shadows fall a blob-width to one side.
  const month = new Date(acquiredMs).getUTCMonth();
  const normal = scenario.climate.monthly[month]!;
  const cloudiness = Math.min(0.9, (normal.rainDays / 30) * (0.5 + random()));
  const blobs = Array.from({ length: Math.round(cloudiness * 6) }, () => ({
    x: minX + random() * (maxX - minX),
    y: minY + random() * (maxY - minY),
    r: 60 + random() * 200,
  }));
  const cloudAt = (x: number, y: number) => blobs.some((b) => Math.hypot(x - b.x, y - b.y) < b.r);
  const shadowAt = (x: number, y: number) =>
    blobs.some((b) => Math.hypot(x + b.r - b.x, y - b.r - b.y) < b.r * 0.8);
  // One pass in seven clips the scene at the edge of the swath: no data beyond a diagonal.
  const swathEdge =
    random() < 1 / 7 ? minX + (maxX - minX) * (0.85 + 0.1 * random()) : Number.POSITIVE_INFINITY;

  const surfaceAt = (x: number, y: number): { r: Reflectance; vegetated: boolean } => {
    const point = [x, y];
    for (const f of fields) {
      if (booleanPointInPolygon(point, f.polygon)) {
        const gradient = 0.85 + 0.3 * ((x - f.minX) / Math.max(1, f.spanX));
        return {
          r: surfaceReflectance(f.crop.canopyCover * gradient, f.crop.waterStress),
          vegetated: f.crop.canopyCover > 0.15,
        };
      }
    }
    return {
      r: surfaceReflectance(BACKGROUND.canopyCover, BACKGROUND.waterStress),
      vegetated: false,
    };
  };

  const raster = (band: BandName): Raster => {
    const resolutionM = BANDS[band].resolutionM;
    const width = (maxX - minX) / resolutionM;
    const height = (maxY - minY) / resolutionM;
    const data = new Uint16Array(width * height);
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const x = minX + (col + 0.5) * resolutionM;
        const y = maxY - (row + 0.5) * resolutionM;
        const i = row * width + col;
        if (x + (maxY - y) * 0.3 > swathEdge) continue; // no data: 0
        const cloud = cloudAt(x, y);
        if (band === 'SCL') {
          data[i] = cloud
            ? random() < 0.5
              ? SCL.CLOUD_HIGH
              : SCL.CLOUD_MEDIUM
            : shadowAt(x, y)
              ? SCL.CLOUD_SHADOW
              : surfaceAt(x, y).vegetated
                ? SCL.VEGETATION
                : SCL.NOT_VEGETATED;
          continue;
        }
        const key = ({ B04: 'red', B08: 'nir', B8A: 'nir8a', B11: 'swir' } as const)[band];
        let rho = surfaceAt(x, y).r[key] + REFLECTANCE_NOISE * gaussian(random);
        if (cloud) rho = 0.45 + 0.1 * random();
        else if (shadowAt(x, y)) rho *= 0.4;
        data[i] = Math.max(1, Math.min(65_535, Math.round(rho * DN_SCALE) + DN_OFFSET));
      }
    }
    return { band, width, height, originX: minX, originY: maxY, resolutionM, data };
  };

  const bands = Object.fromEntries(
    (Object.keys(BANDS) as BandName[]).map((b) => [b, raster(b)]),
  ) as Record<BandName, Raster>;
  const scl = bands.SCL.data;
  const cloudy = scl.filter(
    (v) => v === SCL.CLOUD_HIGH || v === SCL.CLOUD_MEDIUM || v === SCL.CLOUD_SHADOW,
  ).length;
  const valid = scl.filter((v) => v !== SCL.NO_DATA).length;
  const date = new Date(acquiredMs).toISOString().slice(0, 10);
  return {
    id: `S2SIM_${scenario.id}_${date.replaceAll('-', '')}`,
    acquiredMs,
    utm,
    bands,
    cloudCoverPct: valid === 0 ? 100 : Math.round((1000 * cloudy) / valid) / 10,
    truth: Object.fromEntries(
      fields.map((f) => [
        f.id,
        {
          canopyCover: f.crop.canopyCover,
          waterStress: f.crop.waterStress,
          ndvi: f.crop.ndvi,
          ndmi: f.crop.ndmi,
        },
      ]),
    ),
  };
}

/** Overpass times in [fromMs, toMs): every REVISIT_DAYS at 10:30 local solar time. */
export function overpassesBetween(scenario: Scenario, fromMs: number, toMs: number): number[] {
  const offsetMs = (OVERPASS_SOLAR_HOUR - scenario.site.longitudeDeg / 15) * 3_600_000;
  const period = REVISIT_DAYS * DAY_MS;
  // Passes are on a fixed grid from the epoch, so every run of a scenario sees the same dates.
  let t = Math.ceil((fromMs - offsetMs) / period) * period + offsetMs;
  const passes: number[] = [];
  for (; t < toMs; t += period) passes.push(t);
  return passes;
}
