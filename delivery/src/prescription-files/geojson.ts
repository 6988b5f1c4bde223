import { orientedRings } from './rings.js';
import type { RateFile, RateUnit } from './zone-rates.js';

/** The rate's property name, its unit in the name (STYLE: units in names). */
export const GEOJSON_RATE_PROPERTY: Record<RateUnit, string> = {
  mm: 'rate_mm',
  'kg N/ha': 'rate_kg_n_ha',
  'kg/ha': 'rate_kg_ha',
};

/** One zone's feature: its properties are names to numbers or text, the rate's name per unit. */
export interface ZoneFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id: string;
    properties: Record<string, string | number>;
    geometry: { type: 'Polygon'; coordinates: [number, number][][] };
  }[];
}

/**
 * The zones as a GeoJSON FeatureCollection (RFC 7946): WGS 84 longitude/latitude (§4, no
 * `crs` member), one Polygon Feature per zone, rings by the right-hand rule (§3.1.6: outer
 * counter-clockwise, holes clockwise). A zone with no rate has rate 0 and its `status` says why.
 */
export function geojsonOf(file: RateFile): ZoneFeatureCollection {
  return {
    type: 'FeatureCollection' as const,
    features: file.zones.map((zone) => ({
      type: 'Feature' as const,
      id: zone.zoneId,
      properties: {
        zoneId: zone.zoneId,
        fieldId: file.fieldId,
        prescriptionId: file.prescriptionId,
        kind: file.kind,
        name: zone.name,
        [GEOJSON_RATE_PROPERTY[file.unit]]: zone.rate,
        rate_unit: file.unit,
        ...(file.product === null ? {} : { product: file.product.name }),
        ...(zone.nKgHa === undefined ? {} : { n_kg_ha: zone.nKgHa }),
        ...(zone.volumeM3 === undefined ? {} : { volume_m3: zone.volumeM3 }),
        area_ha: zone.areaHa,
        status: zone.status,
      },
      geometry: { type: 'Polygon' as const, coordinates: orientedRings(zone.boundary, false) },
    })),
  };
}

export function geojsonBytes(file: RateFile): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(geojsonOf(file)));
}
