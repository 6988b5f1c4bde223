import { cropFor } from '@shamba/agronomy';
import { round, type Field, type IrrigationPrescription, type ParameterSet } from '@shamba/schemas';

/** A zone's readily-available-water line as a water content, from its prescription. */
export interface ZoneRawLine {
  zoneId: string;
  areaHa: number;
  fieldCapacity: number;
  wiltingPoint: number;
  tawMm: number;
  rawMm: number;
  /** The root depth the prescription's TAW implies (FAO-56 eq. 82 solved for Zr), m. */
  rootDepthM: number;
  /** θ at which Dr reaches RAW (FAO-56 eq. 83): FC - RAW / (1000 Zr), m3/m3. */
  thetaRaw: number;
}

/** What the soil chart draws its two horizontal lines at, and where they come from. */
export interface RawLine {
  fieldCapacity: number;
  wiltingPoint: number;
  /** Area-weighted over the zones (or the field's, from the crop table). */
  thetaRaw: number;
  /** p = RAW / TAW behind the line (FAO-56 Table 22, or the prescription's adjusted p). */
  depletionFraction: number;
  rootDepthM: number;
  /** `prescription`: from the latest irrigation prescription's zones; `crop`: from the crop's p. */
  source: 'prescription' | 'crop';
  zones: ZoneRawLine[];
}

/**
 * θ at the readily available water: TAW = 1000 (θFC - θWP) Zr (FAO-56 eq. 82), RAW = p TAW
 * (eq. 83), and the root zone is at RAW when its mean water content is θFC - RAW / (1000 Zr).
 * Below this line the crop is stressed (Ks < 1, eq. 84): the chart shows when that happened.
 */
export function thetaAtRaw(fieldCapacity: number, rawMm: number, rootDepthM: number): number {
  return fieldCapacity - rawMm / (1000 * rootDepthM);
}

/**
 * The field's RAW line: from the latest irrigation prescription's zones where it has them (their
 * RAW and TAW carry the day's adjusted p and root depth), else from the crop's p (FAO-56 Table
 * 22, or the cooperative's parameter set) over the field's root depth.
 */
export function rawLine(
  field: Field,
  prescription: IrrigationPrescription | undefined,
  parameterSet: ParameterSet | undefined,
): RawLine {
  const zoneSoil = new Map((field.zones ?? []).map((z) => [z.id, z.soil ?? field.soil]));
  const zones: ZoneRawLine[] = [];
  for (const z of prescription?.zones ?? []) {
    if (z.rawMm === null || z.tawMm === null || z.tawMm <= 0) continue;
    const soil = zoneSoil.get(z.zoneId) ?? field.soil;
    const rootDepthM = z.tawMm / (1000 * (soil.fieldCapacity - soil.wiltingPoint)); // eq. 82
    zones.push({
      zoneId: z.zoneId,
      areaHa: z.areaHa,
      fieldCapacity: soil.fieldCapacity,
      wiltingPoint: soil.wiltingPoint,
      tawMm: z.tawMm,
      rawMm: z.rawMm,
      rootDepthM: round(rootDepthM, 2),
      thetaRaw: round(thetaAtRaw(soil.fieldCapacity, z.rawMm, rootDepthM), 3),
    });
  }
  const { fieldCapacity, wiltingPoint } = field.soil;
  const area = zones.reduce((s, z) => s + z.areaHa, 0);
  if (zones.length > 0 && area > 0) {
    const weighted = (f: (z: ZoneRawLine) => number) =>
      zones.reduce((s, z) => s + f(z) * z.areaHa, 0) / area;
    return {
      fieldCapacity,
      wiltingPoint,
      thetaRaw: round(
        weighted((z) => z.thetaRaw),
        3,
      ),
      depletionFraction: round(
        weighted((z) => z.rawMm / z.tawMm),
        2,
      ),
      rootDepthM: round(
        weighted((z) => z.rootDepthM),
        2,
      ),
      source: 'prescription',
      zones,
    };
  }
  const p = cropFor(field.crop, parameterSet).depletionFraction;
  const rawMm = p * 1000 * (fieldCapacity - wiltingPoint) * field.rootDepthM; // eq. 82, 83
  return {
    fieldCapacity,
    wiltingPoint,
    thetaRaw: round(thetaAtRaw(fieldCapacity, rawMm, field.rootDepthM), 3),
    depletionFraction: p,
    rootDepthM: field.rootDepthM,
    source: 'crop',
    zones: [],
  };
}
