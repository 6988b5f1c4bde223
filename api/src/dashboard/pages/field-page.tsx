import { Hono } from 'hono';
import type { IrrigationPrescription } from '@shamba/schemas';
import { visibleFieldIn } from '../../routes/visible-field.js';
import { t, type DashboardDeps, type DashboardEnv } from '../dashboard-env.js';
import { Layout } from '../layout.js';
import { ndviSeason, type NdviPoint } from './field/ndvi-season.js';
import { PrescriptionsSection, RepliesSection } from './field/prescription-sections.js';
import { currentPrescriptions, farmerReplies } from './field/prescription-view.js';
import { rawLine, type RawLine } from './field/raw-threshold.js';
import { NdviSection, SoilSection } from './field/season-sections.js';
import type { SoilWaterDay, SoilWaterSeason } from './field/soil-water.js';
import { soilWaterSeason } from './field/soil-water.js';
import { createSeasonCache } from './field/season-cache.js';

/**
 * What the field page's script draws its charts from (`page-data`): days and values only, the
 * series labels in the user's language. The numbers are the tables' numbers.
 */
export interface FieldPageData {
  fieldId: string;
  /** The probes and stations behind the soil chart: the script refreshes it on their readings. */
  deviceIds: string[];
  soil: {
    dates: string[];
    vwc10: (number | null)[];
    vwc30: (number | null)[];
    vwc60: (number | null)[];
    rainMm: (number | null)[];
    fieldCapacity: number;
    thetaRaw: number;
  };
  ndvi: {
    dates: string[];
    values: (number | null)[];
    quality: NdviPoint['quality'][];
    cloudy: boolean[];
  };
  labels: Record<string, string>;
}

const LABEL_KEYS = [
  'soil.vwc10',
  'soil.vwc30',
  'soil.vwc60',
  'soil.rain',
  'soil.fc',
  'soil.raw',
  'soil.axis-vwc',
  'soil.axis-rain',
  'soil.chart-label',
  'ndvi.series',
  'ndvi.observed',
  'ndvi.gap-filled',
  'ndvi.cloudy',
  'ndvi.chart-label',
] as const;

function pageData(input: {
  fieldId: string;
  season: SoilWaterSeason;
  raw: RawLine;
  ndvi: NdviPoint[];
  label: (key: string) => string;
}): FieldPageData {
  const { fieldId, season, raw, ndvi, label } = input;
  return {
    fieldId,
    deviceIds: [...season.probeIds, ...season.stationIds],
    soil: {
      dates: season.days.map((d) => d.date),
      vwc10: season.days.map((d) => d.vwc.vwc10),
      vwc30: season.days.map((d) => d.vwc.vwc30),
      vwc60: season.days.map((d) => d.vwc.vwc60),
      rainMm: season.days.map((d) => d.rainMm),
      fieldCapacity: raw.fieldCapacity,
      thetaRaw: raw.thetaRaw,
    },
    ndvi: {
      dates: ndvi.map((p) => p.date),
      values: ndvi.map((p) => p.ndvi),
      quality: ndvi.map((p) => p.quality),
      cloudy: ndvi.map((p) => p.cloudy),
    },
    labels: Object.fromEntries(LABEL_KEYS.map((k) => [k, label(`field.${k}`)])),
  };
}

/**
 * `GET /fields/:fieldId`: a field's season (soil water at each depth and rain against field
 * capacity and the RAW line; NDVI with cloudy dates and gap-filled points), its current
 * prescriptions with every step of their explanation, their delivery and the farmer's replies.
 * Another cooperative's field, or another farmer's, is 404 (`visibleFieldIn`).
 */
export function fieldPages(deps: DashboardDeps) {
  const visibleField = visibleFieldIn(deps.registry);
  const seasons = createSeasonCache<SoilWaterDay>();
  return new Hono<DashboardEnv>().get('/fields/:fieldId', async (c) => {
    const principal = c.get('principal');
    const field = await visibleField(principal, c.req.param('fieldId'));
    const [season, ndvi, views, replies, parameterSet] = await Promise.all([
      soilWaterSeason({
        registry: deps.registry,
        store: deps.store,
        field,
        nowMs: deps.clock(),
        cache: seasons,
      }),
      ndviSeason(deps.registry, field),
      currentPrescriptions(deps.registry, field, principal),
      farmerReplies(deps.registry, field, principal),
      deps.registry.parameterSets.latest(field.coopId),
    ]);
    const irrigation = views.find((v) => v.prescription.kind === 'irrigation')?.prescription as
      IrrigationPrescription | undefined;
    const raw = rawLine(field, irrigation, parameterSet);
    return c.html(
      <Layout
        c={c}
        deps={deps}
        title={field.name}
        active="/"
        entry="field"
        data={pageData({ fieldId: field.id, season, raw, ndvi, label: (key) => t(c, key) })}
      >
        <p class="field-summary">
          {t(c, 'field.summary', {
            crop: field.crop,
            planted: field.plantingDate,
            area: field.areaHa,
            zones: field.zones?.length ?? 1,
          })}
        </p>
        <div id="season">
          <SoilSection c={c} season={season} raw={raw} />
          <NdviSection c={c} points={ndvi} />
        </div>
        <PrescriptionsSection c={c} views={views} />
        {replies === null ? null : <RepliesSection c={c} replies={replies} />}
      </Layout>,
    );
  });
}
