import type { ParameterSet } from '@shamba/schemas';
import { cropParameters, type CropParameters } from './crop-parameters.js';

/** How a prescription names the parameters it used: `coop-a@3`, or `built-in`. */
export function parameterSetLabel(set: ParameterSet | undefined): string {
  return set === undefined ? 'built-in' : `${set.coopId}@${set.version}`;
}

/**
 * A crop's parameters with a cooperative's parameter set applied: each value the set gives
 * replaces the table's, and its source then names the set and version, so an explanation shows
 * where every number came from.
 */
export function cropFor(crop: string, set: ParameterSet | undefined): CropParameters {
  const base = cropParameters(crop);
  const o = set?.crops[crop];
  if (set === undefined || o === undefined) return base;
  const from = `parameter set ${parameterSetLabel(set)} (${set.note})`;
  const s = base.stages;
  const stages =
    s === null || o.stages === undefined
      ? s
      : {
          iniDays: o.stages.iniDays ?? s.iniDays,
          devDays: o.stages.devDays ?? s.devDays,
          midDays: o.stages.midDays ?? s.midDays,
          lateDays: o.stages.lateDays ?? s.lateDays,
          region: s.region,
          source: from,
        };
  return {
    ...base,
    kc:
      o.kc === undefined
        ? base.kc
        : {
            ini: o.kc.ini ?? base.kc.ini,
            mid: o.kc.mid ?? base.kc.mid,
            end: o.kc.end ?? base.kc.end,
            source: from,
          },
    stages,
    rootDepthM:
      o.rootDepthMaxM === undefined ? base.rootDepthM : { max: o.rootDepthMaxM, source: from },
    depletionFraction: o.depletionFraction ?? base.depletionFraction,
    source: o.depletionFraction === undefined ? base.source : from,
    ky: o.ky ?? base.ky,
    kySource: o.ky === undefined ? base.kySource : from,
    attainableYieldTHa: o.attainableYieldTHa ?? base.attainableYieldTHa,
    assumed: base.assumed.filter(
      (a) =>
        !(
          (a.startsWith('kc') && o.kc !== undefined) ||
          (a.startsWith('stages') && o.stages !== undefined) ||
          (a.startsWith('ky') && o.ky !== undefined) ||
          (a.startsWith('attainableYield') && o.attainableYieldTHa !== undefined) ||
          (a.startsWith('depletionFraction') && o.depletionFraction !== undefined) ||
          (a.startsWith('rootDepth') && o.rootDepthMaxM !== undefined)
        ),
    ),
  };
}
