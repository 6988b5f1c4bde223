/**
 * Coefficients of the Sensor-Based Nitrogen Rate Calculator (SBNRC) of Oklahoma State University
 * (Raun et al. 2002, Agron. J. 94:815-820; Raun et al. 2005, Commun. Soil Sci. Plant Anal.
 * 36:2759-2781; OSU "Library of Yield Prediction Equations", nue.okstate.edu/Yield_Potential.htm):
 *   INSEY = NDVI / days from sowing to sensing with GDD > 0 (GDD = (Tmax + Tmin)/2 − 4.4 °C)
 *   YP0   = a · exp(b · INSEY)                     yield without more N, kg/ha
 *   RIh   = c · RI_NDVI + d                         response index at harvest
 *   YPN   = min(YP0 · RIh, YPmax)                   yield with N
 *   N     = (YPN − YP0) · PNG / EFF                 kg N/ha
 * Where OSU publishes no equation for a crop, the row says which published one it borrows and
 * why; those rows are defaults for an agronomist to replace with a local calibration.
 */
export interface SbnrcCoefficients {
  /** YP0 = a exp(b INSEY), kg/ha. */
  a: number;
  b: number;
  /** RI at harvest from RI by NDVI: c RI_NDVI + d (1:1 when c = 1, d = 0). */
  riSlope: number;
  riIntercept: number;
  /** Biological maximum yield for the environment, kg/ha. */
  ypMaxKgHa: number;
  /** N in the grain, fraction. */
  grainN: number;
  /** Share of topdressed N that ends in the grain. */
  efficiency: number;
  source: string;
  assumed: string[];
}

const OSU = 'OSU Library of Yield Prediction Equations';
const PROTEIN = 'grain protein / 6.25 (Jones factor)';

export const SBNRC_COEFFICIENTS: Record<string, SbnrcCoefficients> = {
  wheat: {
    a: 590,
    b: 258.2,
    riSlope: 1.69,
    riIntercept: -0.7,
    ypMaxKgHa: 6000,
    grainN: 0.0239,
    efficiency: 0.7,
    source: `${OSU}: dryland winter wheat 2007; PNG 2.39 % and EFF 0.70 from Raun et al. 2002`,
    assumed: ['ypMaxKgHa'],
  },
  maize: {
    a: 1565,
    b: 154.7,
    riSlope: 1.64,
    riIntercept: -0.5287,
    ypMaxKgHa: 12000,
    grainN: 0.0125,
    efficiency: 0.6,
    source: `${OSU}: dryland and irrigated corn 2004`,
    assumed: ['ypMaxKgHa', 'grainN', 'efficiency'],
  },
  sorghum: {
    a: 1565,
    b: 154.7,
    riSlope: 1.64,
    riIntercept: -0.5287,
    ypMaxKgHa: 7000,
    grainN: 0.0176,
    efficiency: 0.6,
    source: `borrowed: ${OSU} corn 2004 (a C4 cereal); PNG from 11 % protein, ${PROTEIN}`,
    assumed: ['a', 'b', 'riSlope', 'riIntercept', 'ypMaxKgHa', 'efficiency'],
  },
  teff: {
    a: 590,
    b: 258.2,
    riSlope: 1.69,
    riIntercept: -0.7,
    ypMaxKgHa: 3500,
    grainN: 0.019,
    efficiency: 0.6,
    source: `borrowed: ${OSU} winter wheat 2007 (a small grain); PNG from 12 % protein, ${PROTEIN}`,
    assumed: ['a', 'b', 'riSlope', 'riIntercept', 'ypMaxKgHa', 'efficiency'],
  },
  rice: {
    a: 1565,
    b: 154.7,
    riSlope: 1,
    riIntercept: 0,
    ypMaxKgHa: 8000,
    grainN: 0.012,
    efficiency: 0.5,
    source: `borrowed: ${OSU} corn 2004 shape with RI 1:1; PNG from 7.5 % protein (/5.95, rice)`,
    assumed: ['a', 'b', 'riSlope', 'riIntercept', 'ypMaxKgHa', 'efficiency'],
  },
};
