import { DAY_MS } from '@shamba/schemas';
import { rng } from '../random/rng.js';
import type { Scenario } from '../scenarios/scenario.js';
import { cropTruth, seasonLengthDays } from '../crops/crops.js';
import { seasonPlantingMs } from './season-calendar.js';
import { createWorld } from '../world/world.js';

/** One day of a simulated field-season, as the analytics would come to know it. */
export interface SimulatedSeasonDay {
  tMaxC: number;
  tMinC: number;
  rainMm: number;
  et0Mm: number;
  ndvi: number;
  /** Crop ET under stress and without, of the day, mm (the world's truth). */
  etaMm: number;
  etcMm: number;
}

/** A whole simulated season of one field, labelled with the yield the world gave it. */
export interface SimulatedSeason {
  source: 'simulated';
  scenarioId: string;
  seed: number;
  fieldId: string;
  crop: string;
  rainFactor: number;
  nitrogenKgHa: number;
  tawMm: number;
  seasonLengthDays: number;
  days: SimulatedSeasonDay[];
  yieldTHa: number;
}

export interface SimulateSeasonsOptions {
  /** The cooperative whose fields, soils and climate are varied. */
  base: Scenario;
  count: number;
  seed: number;
  /** Seasonal rain as a share of the normals: from a failed season to a wet one. */
  rainFactorRange?: [number, number];
  nitrogenRangeKgHa?: [number, number];
  /**
   * Each field its own weather-year (its own weather seed and rain share) instead of one per run
   * for all fields: independent seasons, for calibrating and checking a forecast's band, where
   * fields sharing a year's weather count as one season. `count` then counts field-seasons.
   */
  weatherPerField?: boolean;
}

/**
 * Seasons for training and checking the yield models: each run varies the weather's seed, the
 * season's rain and each field's nitrogen, and lets the world grow every annual crop from sowing
 * to harvest with no irrigation but what the scenario's own rules apply.
 */
export function simulateSeasons(options: SimulateSeasonsOptions): SimulatedSeason[] {
  const random = rng(options.seed);
  const [rainLo, rainHi] = options.rainFactorRange ?? [0.3, 1.3];
  const [nLo, nHi] = options.nitrogenRangeKgHa ?? [0, 160];
  const annual = options.base.fields.filter((f) => !cropTruth(f.crop).perennial);
  const seasons: SimulatedSeason[] = [];
  if (annual.length === 0) return seasons;
  for (let run = 0; run < options.count; run++) {
    const rainFactor = rainLo + (rainHi - rainLo) * random();
    const fields = (options.weatherPerField === true ? [annual[run % annual.length]!] : annual).map(
      (f) => ({ ...f, nitrogenKgHa: Math.round(nLo + (nHi - nLo) * random()) }),
    );
    // One world per field, started on its sowing day: a world started later would take the
    // season so far as unstressed.
    for (const field of fields) {
      const scenario: Scenario = {
        ...options.base,
        seed: options.seed * 1000 + run,
        climate: { ...options.base.climate, rainFactor },
        fields: [field],
        devices: [],
        rain: [],
        events: [],
      };
      const sowingMs = seasonPlantingMs(field.plantingDate, Date.UTC(2026, 11, 31));
      const world = createWorld(scenario, sowingMs);
      const length = seasonLengthDays(cropTruth(field.crop));
      const days: SimulatedSeasonDay[] = [];
      let previous = { eta: 0, etc: 0 };
      for (let day = 1; day <= length; day++) {
        const t = sowingMs + day * DAY_MS;
        world.advanceTo(t);
        const weather = world.weatherOn(t - DAY_MS / 2);
        const crop = world.crop(field.id);
        days.push({
          tMaxC: weather.tMaxC,
          tMinC: weather.tMinC,
          rainMm: weather.rainMm,
          et0Mm: weather.et0Mm,
          ndvi: crop.ndvi,
          etaMm: crop.seasonEtaMm - previous.eta,
          etcMm: crop.seasonEtcMm - previous.etc,
        });
        previous = { eta: crop.seasonEtaMm, etc: crop.seasonEtcMm };
      }
      const zone = field.zones?.[0];
      const soil = zone?.soil ?? field.soil;
      const rootDepthM = zone?.rootDepthM ?? field.rootDepthM;
      seasons.push({
        source: 'simulated',
        scenarioId: options.base.id,
        seed: scenario.seed,
        fieldId: field.id,
        crop: field.crop,
        rainFactor,
        nitrogenKgHa: field.nitrogenKgHa,
        tawMm: 1000 * (soil.fieldCapacity - soil.wiltingPoint) * rootDepthM,
        seasonLengthDays: length,
        days,
        yieldTHa: world.crop(field.id).yieldTHa,
      });
    }
  }
  return seasons;
}
