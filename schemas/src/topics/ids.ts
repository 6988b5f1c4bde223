import { z } from 'zod';

/**
 * Identifiers for cooperatives, devices, fields, zones and farmers. One grammar everywhere so an
 * id is safe as an MQTT topic level, an InfluxDB tag, a file name and a URL segment without
 * escaping: lowercase ASCII letters, digits and inner hyphens, at most 64 characters.
 */
export const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const IdSchema = z
  .string()
  .regex(ID_PATTERN, 'ids are 1-64 lowercase letters, digits or inner hyphens');

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
