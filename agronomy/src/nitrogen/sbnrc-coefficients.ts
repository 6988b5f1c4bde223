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
  /**
   * The growing days (as INSEY counts them) between which a sensed NDVI gives this row's rate:
   * before, NDVI sees soil more than crop; after, the crop has passed the stage the equation was
   * fitted at and a late dose no longer pays. Outside it the crop's N budget decides.
   */
  sensingWindow: SensingWindow;
  assumed: string[];
}

export interface SensingWindow {
  fromGrowingDays: number;
  toGrowingDays: number;
  /** The growth stages the window stands for, and where its days come from. */
  stages: string;
}

/**
 * Maize: OSU's corn equation is fitted on NDVI sensed at V8-V10 (Teal et al. 2006, Agron. J.
 * 98:1488-1494). At about 9 degree-days (base 10 °C) a day, the mean of Ziway's dry season,
 * and the thermal time per leaf of Abendroth et al. 2011 (Iowa State PMR 1009), V8 falls near
 * 35 and V10 near 45 days; the window opens one Sentinel-2 revisit (5 days) early and closes two
 * late (10 days), since a satellite sees a field only every 5 days and clouds take some.
 */
const MAIZE_WINDOW: SensingWindow = {
  fromGrowingDays: 30,
  toGrowingDays: 55,
  stages: 'V8-V10 (Teal et al. 2006), about 35-45 days at Ziway, widened by the 5-day revisit',
};
/**
 * Wheat: OSU senses winter wheat at Feekes 4-6 (Raun et al. 2002); a spring wheat of East
 * Africa (FAO-56 Table 11: 15 + 30 days initial and development) is there from about 25 to 50.
 */
const WHEAT_WINDOW: SensingWindow = {
  fromGrowingDays: 25,
  toGrowingDays: 50,
  stages: 'Feekes 4-6 (Raun et al. 2002), about 25-50 days for an East African spring wheat',
};

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
    sensingWindow: WHEAT_WINDOW,
    assumed: ['ypMaxKgHa', 'sensingWindow'],
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
    sensingWindow: MAIZE_WINDOW,
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
    sensingWindow: MAIZE_WINDOW,
    assumed: ['a', 'b', 'riSlope', 'riIntercept', 'ypMaxKgHa', 'efficiency', 'sensingWindow'],
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
    // Tillering to stem elongation of a 110-day teff (crop-parameters.ts: 20 + 30 days).
    sensingWindow: {
      fromGrowingDays: 20,
      toGrowingDays: 50,
      stages: 'assumed: tillering to stem elongation of a 110-day teff',
    },
    assumed: ['a', 'b', 'riSlope', 'riIntercept', 'ypMaxKgHa', 'efficiency', 'sensingWindow'],
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
    // Active tillering to panicle initiation of a 150-day tropical rice (FAO-56 Table 11: 30 + 30).
    sensingWindow: {
      fromGrowingDays: 30,
      toGrowingDays: 60,
      stages: 'assumed: active tillering to panicle initiation',
    },
    assumed: ['a', 'b', 'riSlope', 'riIntercept', 'ypMaxKgHa', 'efficiency', 'sensingWindow'],
  },
};
