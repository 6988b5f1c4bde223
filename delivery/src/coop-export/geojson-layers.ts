import { FieldSchema, ZoneSchema, type Field, type Polygon } from '@shamba/schemas';
import { z } from 'zod';

/**
 * Fields and zones as GeoJSON FeatureCollections (RFC 7946 §3.3): WGS 84 lon/lat polygons (the
 * boundaries are stored so), the other attributes as properties. A zone's feature names its
 * field (`fieldId`) and its place among the field's zones (`order`), so the fields come back whole.
 */
export function fieldsCollection(fields: readonly Field[]) {
  return {
    type: 'FeatureCollection' as const,
    features: fields.map(({ boundary, zones: _zones, ...properties }) => ({
      type: 'Feature' as const,
      id: properties.id,
      geometry: boundary,
      properties,
    })),
  };
}

export function zonesCollection(fields: readonly Field[]) {
  return {
    type: 'FeatureCollection' as const,
    features: fields.flatMap((field) =>
      (field.zones ?? []).map(({ boundary, ...zone }, order) => ({
        type: 'Feature' as const,
        id: `${field.id}/${zone.id}`,
        geometry: boundary,
        properties: { fieldId: field.id, order, ...zone },
      })),
    ),
  };
}

const FeatureCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.unknown(),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** The fields back from the two collections, each checked with the shared FieldSchema. */
export function fieldsFromCollections(fieldsJson: unknown, zonesJson: unknown): Field[] {
  const zonesByField = new Map<string, { order: number; zone: unknown }[]>();
  for (const feature of FeatureCollectionSchema.parse(zonesJson).features) {
    const { fieldId, order, ...zone } = feature.properties;
    const parsed = ZoneSchema.parse({ ...zone, boundary: feature.geometry as Polygon });
    const list = zonesByField.get(String(fieldId)) ?? [];
    list.push({ order: Number(order), zone: parsed });
    zonesByField.set(String(fieldId), list);
  }
  return FeatureCollectionSchema.parse(fieldsJson).features.map((feature) => {
    const id = String(feature.properties.id);
    const zones = zonesByField
      .get(id)
      ?.sort((a, b) => a.order - b.order)
      .map((z) => z.zone);
    return FieldSchema.parse({
      ...feature.properties,
      boundary: feature.geometry,
      ...(zones === undefined ? {} : { zones }),
    });
  });
}
