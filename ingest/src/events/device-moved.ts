import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import pointToPolygonDistance from '@turf/point-to-polygon-distance';
import type { Field, StoredReading } from '@shamba/schemas';

/**
 * How far outside its field a device's fix must be before it counts as moved: well beyond
 * stand-alone GNSS error (a few metres at HDOP ~1) and a boundary drawn by hand on a phone.
 */
export const MOVED_THRESHOLD_M = 25;

export interface DeviceMovedEvent {
  deviceId: string;
  fieldId: string;
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  /** Distance from the field's boundary, m. */
  distanceM: number;
}

/** Pure: whether a GNSS reading puts its device away from its field, and by how much. */
export function checkPosition(reading: StoredReading, field: Field): DeviceMovedEvent | undefined {
  const { latitudeDeg, longitudeDeg } = reading.values;
  if (latitudeDeg === undefined || longitudeDeg === undefined) return undefined;
  const point = [longitudeDeg, latitudeDeg];
  if (booleanPointInPolygon(point, field.boundary)) return undefined;
  const distanceM = Math.abs(pointToPolygonDistance(point, field.boundary, { units: 'meters' }));
  if (distanceM < MOVED_THRESHOLD_M) return undefined;
  return {
    deviceId: reading.deviceId,
    fieldId: field.id,
    timeMs: reading.timeMs,
    latitudeDeg,
    longitudeDeg,
    distanceM: Math.round(distanceM),
  };
}
