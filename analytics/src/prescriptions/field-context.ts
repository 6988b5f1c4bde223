import type { Field } from '@shamba/schemas';
import type { ReadingQuery, Registry, TimeSeriesStore } from '@shamba/storage';
import { cropFor, parameterSetLabel } from '@shamba/agronomy';
import type { RuleContext, Timed } from '../rules/rule.js';
import { chooseScene } from './clear-scene.js';
import type { FieldData } from './field-data.js';

/**
 * What every rule may know about a field in this pass, read once: the newest soil and weather
 * readings, the field's newest prescription of each kind, the scene chosen for it (and why), the crop under
 * the cooperative's parameter set. Undefined when the field has no reading at all.
 */
export async function fieldContext(
  field: Field,
  deps: {
    registry: Registry;
    store: TimeSeriesStore;
    data: FieldData;
    timed: Timed;
    createdAtMs: number;
    windowMs: number;
  },
): Promise<RuleContext | undefined> {
  const { registry, store, data, timed } = deps;
  const coop = await data.coop(field.coopId);
  const stations = data.stationsFor(coop, field);
  const newest = (query: Omit<ReadingQuery, 'fromMs' | 'toMs' | 'limit'>) =>
    store.query({ ...query, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 1 });
  const [[newestSoil], [newestWeather], previous, series] = await timed('query', () =>
    Promise.all([
      newest({ fieldId: field.id, stream: 'soil' }),
      stations.length === 0
        ? Promise.resolve([])
        : newest({ deviceIds: stations, stream: 'weather' }),
      registry.prescriptions.latestByKind(field.id),
      // Only scenes the field's cooperative may use (its own and the shared ones).
      registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId }),
    ]),
  );
  const asOfMs = Math.max(newestSoil?.timeMs ?? -1, newestWeather?.timeMs ?? -1);
  if (asOfMs < 0) return undefined;
  // The box's clock of this pass: a scene dated past it is never used, whatever the readings say.
  const choice = chooseScene({ series, asOfMs, nowMs: deps.createdAtMs, field });
  return {
    coop,
    stations,
    data,
    store,
    newestSoil,
    newestWeather,
    asOfMs,
    previous,
    scene: choice.scene,
    sceneNote: choice.note,
    crop: cropFor(field.crop, coop.parameterSet),
    parameterSet: parameterSetLabel(coop.parameterSet),
    forecast: coop.forecast,
    createdAtMs: deps.createdAtMs,
    windowMs: deps.windowMs,
    timed,
  };
}
