/**
 * What a crop's N budget needs (Stanford 1973, J. Environ. Qual. 2:159-166, the yield-goal
 * mass balance behind most extension recommendations; FAO Fertilizer and Plant Nutrition
 * Bulletin 16, 2006, ch. 4-5):
 *   fertiliser N for the season = (target yield x N uptake per t - soil N supply) / recovery
 * The N uptake is the whole crop's (grain and straw or stover) per tonne of grain at harvest.
 * Values no table gives for our soils are marked `assumed`, for an agronomist to replace with a
 * local calibration (an N-omission plot gives the soil supply: its yield x the uptake per t).
 */
export interface CropNBudget {
  /** Above-ground N at harvest per tonne of grain, kg N/t. */
  uptakeKgNPerT: number;
  /** N the crop takes from the soil without fertiliser in a season, kg N/ha. */
  soilSupplyKgHa: number;
  /** Share of fertiliser N the crop takes up. */
  recoveryEfficiency: number;
  source: string;
  assumed: string[];
}

/**
 * Indigenous N supply of the Rift Valley's sandy loams and loams, low in organic matter: about
 * what an unfertilised cereal takes up there (1.5-2 t/ha of maize grain x 20-25 kg N/t).
 */
const SOIL_SUPPLY_KG_HA = 40;
/**
 * Recovery of split-applied fertiliser N by cereals: 0.3-0.5 on farms at large, 0.5-0.6 where it
 * is well timed (Cassman et al. 2002, Ambio 31:132-140; Ladha et al. 2005, Adv. Agron. 87:85).
 * 0.6 is the top of that range (split, well-timed topdress): assumed; at a farm-level 0.4 the
 * fertiliser N asked would be half as large again.
 */
const RECOVERY = 0.6;
const CASSMAN = 'recovery: Cassman et al. 2002';

export const CROP_N_BUDGETS: Record<string, CropNBudget> = {
  maize: {
    uptakeKgNPerT: 18,
    soilSupplyKgHa: SOIL_SUPPLY_KG_HA,
    recoveryEfficiency: RECOVERY,
    source: `uptake: FAO Bulletin 16 (maize about 18 kg N per t grain, grain and stover); ${CASSMAN}`,
    // The per-tonne figure is quoted, not yet checked against the bulletin's tables.
    assumed: ['uptakeKgNPerT', 'soilSupplyKgHa', 'recoveryEfficiency'],
  },
  wheat: {
    uptakeKgNPerT: 25,
    soilSupplyKgHa: SOIL_SUPPLY_KG_HA,
    recoveryEfficiency: RECOVERY,
    source: `uptake: FAO Bulletin 16 (wheat about 25 kg N per t grain, grain and straw); ${CASSMAN}`,
    assumed: ['uptakeKgNPerT', 'soilSupplyKgHa', 'recoveryEfficiency'],
  },
  teff: {
    // Teff takes up about 60-75 kg N/ha for 2-2.5 t/ha of grain in Ethiopian trials: 30 kg per t.
    // With the defaults, 2.5 t/ha asks 58 kg N/ha, the 46-64 kg N/ha of EIAR's recommendations.
    uptakeKgNPerT: 30,
    soilSupplyKgHa: SOIL_SUPPLY_KG_HA,
    recoveryEfficiency: RECOVERY,
    source: `uptake: assumed 30 kg N per t grain (Ethiopian teff trials); ${CASSMAN}`,
    assumed: ['uptakeKgNPerT', 'soilSupplyKgHa', 'recoveryEfficiency'],
  },
  sorghum: {
    uptakeKgNPerT: 22,
    soilSupplyKgHa: SOIL_SUPPLY_KG_HA,
    recoveryEfficiency: RECOVERY,
    source: `uptake: FAO Bulletin 16 (sorghum about 22 kg N per t grain); ${CASSMAN}`,
    assumed: ['uptakeKgNPerT', 'soilSupplyKgHa', 'recoveryEfficiency'],
  },
  rice: {
    uptakeKgNPerT: 17,
    soilSupplyKgHa: SOIL_SUPPLY_KG_HA,
    recoveryEfficiency: RECOVERY,
    source: `uptake: Dobermann & Fairhurst 2000, Rice (14-17 kg N per t grain); ${CASSMAN}`,
    assumed: ['soilSupplyKgHa', 'recoveryEfficiency'],
  },
};

/** Legumes fix their own N: no topdress (FAO Fertilizer and Plant Nutrition Bulletin 16, §4). */
export const LEGUMES: ReadonlySet<string> = new Set(['soybean', 'beans']);
