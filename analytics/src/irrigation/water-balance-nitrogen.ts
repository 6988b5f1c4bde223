import type { ZonePrescription } from '@shamba/schemas';
import {
  localDate,
  addDays,
  DAY_MS,
  N_SCENE_MAX_AGE_DAYS,
  zoneNitrogen,
  type FieldBalance,
  type StationWeather,
} from '@shamba/agronomy';

/** The latest scene with a clear view of the field: each zone's mean NDVI (null: cloudy). */
export interface FieldScene {
  sceneId: string;
  acquiredMs: number;
  ndviByZone: Record<string, number | null>;
}

export interface NitrogenInput {
  scene?: FieldScene;
  asOfMs: number;
  utcOffsetMinutes: number;
  weather: StationWeather;
}

/**
 * Nitrogen per zone from the latest clear scene, if it is recent enough to say how green the crop
 * is now. Sets each zone's `nitrogen` and adds the field-level step that explains it.
 */
export function nitrogenByZone(
  input: NitrogenInput,
  { crop, sowing, steps, zones }: FieldBalance,
  zoneResults: ZonePrescription[],
): void {
  const scene = input.scene;
  const sceneAgeDays =
    scene === undefined ? null : Math.floor((input.asOfMs - scene.acquiredMs) / DAY_MS);
  if (scene !== undefined && sceneAgeDays !== null && sceneAgeDays <= N_SCENE_MAX_AGE_DAYS) {
    const sensed = localDate(scene.acquiredMs, input.utcOffsetMinutes);
    const growingDays = growingDaysBetween(input.weather, sowing, sensed);
    steps.push({
      name: 'growing days',
      formula: `days from sowing ${sowing} to the scene ${sensed} with (Tmax + Tmin)/2 - 4.4 > 0 (days without a record count)`,
      value: growingDays,
      unit: 'days',
      source: 'Raun et al. 2002, INSEY',
    });
    const rates = zoneNitrogen({
      crop: crop.crop,
      sceneId: scene.sceneId,
      zones: zones.map(({ spec: z }) => ({
        id: z.id,
        areaHa: z.areaHa,
        ndvi: scene.ndviByZone[z.id] ?? null,
        nRichStrip: z.nRichStrip,
      })),
      growingDays,
    });
    for (const z of zoneResults) z.nitrogen = rates.get(z.zoneId) ?? null;
  } else {
    steps.push({
      name: 'N sensing',
      formula:
        scene === undefined
          ? 'no clear scene of the field yet: no N rate'
          : `the latest clear scene is ${sceneAgeDays} days old (> ${N_SCENE_MAX_AGE_DAYS}): no N rate`,
      value: sceneAgeDays,
      unit: 'days',
      source: 'OSU SBNRC needs a current NDVI',
    });
    for (const z of zoneResults) z.nitrogen = null;
  }
}

/**
 * Growing days for INSEY: days from sowing up to the sensing date whose mean temperature is
 * above 4.4 °C (Raun et al. 2002). Days the station did not record count as growing: our
 * cooperatives farm where a day below 4.4 °C in the season is rare.
 */
function growingDaysBetween(weather: StationWeather, sowing: string, sensed: string): number {
  const days = new Map(weather.days.map((d) => [d.dateIso, d]));
  let n = 0;
  for (let date = sowing; date < sensed; date = addDays(date, 1)) {
    const d = days.get(date);
    if (d === undefined || !d.complete || d.tMaxC === null || d.tMinC === null) n++;
    else if ((d.tMaxC + d.tMinC) / 2 - 4.4 > 0) n++;
  }
  return n;
}
