import { z } from 'zod';
import { CROP_PARAMETERS, cropParameters } from '@shamba/agronomy';
import {
  FieldSchema,
  IdSchema,
  PolygonSchema,
  SOIL_TEXTURE_NAMES,
  SOIL_TEXTURES,
  ZoneSchema,
  type Field,
  type Zone,
} from '@shamba/schemas';
import { checkBoundary, checkZones } from './boundary.js';

/** The crops the agronomy knows (FAO-56 Table 12, 17 and 22 rows): any other gets no sound advice. */
const CROPS = Object.keys(CROP_PARAMETERS) as [string, ...string[]];

/**
 * A soil as a client gives it: its texture class, and the water contents where a lab measured
 * them; without them, the middle of FAO-56 Table 19's range for the texture.
 */
const SoilInputSchema = z
  .object({
    texture: z.enum(SOIL_TEXTURE_NAMES),
    fieldCapacity: z.number().gt(0).lt(1).optional(),
    wiltingPoint: z.number().gt(0).lt(1).optional(),
  })
  .refine(
    (soil) => (soil.fieldCapacity === undefined) === (soil.wiltingPoint === undefined),
    'give both fieldCapacity and wiltingPoint, or neither (FAO-56 Table 19 by texture)',
  )
  .refine(
    (soil) => (soil.wiltingPoint ?? 0) < (soil.fieldCapacity ?? 1),
    'wiltingPoint must be under fieldCapacity',
  );
type SoilInput = z.infer<typeof SoilInputSchema>;

const fieldShape = FieldSchema.shape;

/** What a client sends to add a field: `areaHa` is not among it, it is the boundary's. */
export const FieldInputSchema = z.object({
  id: IdSchema,
  name: fieldShape.name,
  /** A farmer of the same cooperative. */
  farmerId: IdSchema,
  crop: z.enum(CROPS),
  /** The sowing (or transplanting) date, the start of the crop's season. */
  plantingDate: fieldShape.plantingDate.meta({ description: 'Sowing date, YYYY-MM-DD.' }),
  boundary: PolygonSchema.meta({
    description:
      'GeoJSON Polygon (RFC 7946), WGS 84 longitude-latitude: closed rings, no crossings, ' +
      'holes inside the outer ring, 100 m² to 10 000 ha, at most 2 000 positions.',
  }),
  soil: SoilInputSchema,
  /** Effective rooting depth, m; default: the crop's maximum (FAO-56 Table 22). */
  rootDepthM: fieldShape.rootDepthM.optional(),
  irrigationMethod: fieldShape.irrigationMethod,
  elevationM: fieldShape.elevationM,
  pumpFlowM3h: fieldShape.pumpFlowM3h,
  waterSupply: fieldShape.waterSupply,
  nitrogenKgHa: fieldShape.nitrogenKgHa,
});
export type FieldInput = z.infer<typeof FieldInputSchema>;

/** What a client may change of a field: anything it sent but the id. */
export const FieldPatchSchema = FieldInputSchema.omit({ id: true })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'change at least one property');
export type FieldPatch = z.infer<typeof FieldPatchSchema>;

/** A zone as a client sends it: its area is the boundary's. */
export const ZoneInputSchema = ZoneSchema.omit({ areaHa: true, soil: true }).extend({
  soil: SoilInputSchema.optional(),
});
export const ZonesInputSchema = z.object({ zones: z.array(ZoneInputSchema).max(20) });
export type ZoneInput = z.infer<typeof ZoneInputSchema>;

function soilOf(input: SoilInput): Field['soil'] {
  const table = SOIL_TEXTURES[input.texture];
  return {
    texture: input.texture,
    fieldCapacity: input.fieldCapacity ?? table.fieldCapacity,
    wiltingPoint: input.wiltingPoint ?? table.wiltingPoint,
  };
}

/** The crop's maximum rooting depth (FAO-56 Table 22), within the schema's 3 m. */
const defaultRootDepthM = (crop: string) => Math.min(3, cropParameters(crop).rootDepthM.max);

/** The optional properties a client gave (exactOptionalPropertyTypes: no `undefined` stored). */
function given<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A new field of the cooperative: the boundary checked, its area computed from it. */
export function newField(coopId: string, input: FieldInput): Field {
  const { boundary, areaHa } = checkBoundary(input.boundary);
  return FieldSchema.parse({
    ...given(input),
    coopId,
    boundary,
    areaHa,
    soil: soilOf(input.soil),
    rootDepthM: input.rootDepthM ?? defaultRootDepthM(input.crop),
  });
}

/**
 * The field with a client's changes: a new boundary is checked and gives the area, and the
 * field's zones must still lie inside it (INVALID_REQUEST saying which does not).
 */
export function changedField(field: Field, patch: FieldPatch): Field {
  const checked = patch.boundary === undefined ? undefined : checkBoundary(patch.boundary);
  if (checked !== undefined && (field.zones ?? []).length > 0)
    checkZones(checked.boundary, field.zones ?? []);
  return FieldSchema.parse({
    ...field,
    ...given(patch),
    ...(checked === undefined ? {} : { boundary: checked.boundary, areaHa: checked.areaHa }),
    ...(patch.soil === undefined ? {} : { soil: soilOf(patch.soil) }),
  });
}

/** A field's new zones, each boundary checked, inside the field and apart, areas computed. */
export function zonesOf(field: Field, input: readonly ZoneInput[]): Zone[] {
  const checked = checkZones(field.boundary, input);
  return input.map((zone, i) =>
    ZoneSchema.parse({
      ...given(zone),
      boundary: checked[i]!.boundary,
      areaHa: checked[i]!.areaHa,
      ...(zone.soil === undefined ? {} : { soil: soilOf(zone.soil) }),
    }),
  );
}
