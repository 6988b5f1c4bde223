import { ShambaError, type Field, type Prescription } from '@shamba/schemas';
import { geojsonBytes } from './geojson.js';
import { isoxmlZip } from './isoxml.js';
import { shapefileZip } from './shapefile.js';
import { zoneRates } from './zone-rates.js';

export const PRESCRIPTION_FILE_FORMATS = ['geojson', 'shapefile', 'isoxml'] as const;
export type PrescriptionFileFormat = (typeof PRESCRIPTION_FILE_FORMATS)[number];

export interface PrescriptionFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
}

export const isPrescriptionFileFormat = (value: string): value is PrescriptionFileFormat =>
  (PRESCRIPTION_FILE_FORMATS as readonly string[]).includes(value);

/** A file name's part from an id: letters, digits, dot, dash, underscore only. */
const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * The file a machine loads for one prescription over its field's zones: `geojson` (RFC 7946,
 * `application/geo+json` per RFC 7946 §12), `shapefile` (a zip of .shp .shx .dbf .prj .cpg) or
 * `isoxml` (a zip of TASKDATA/). Pure: the same prescription and field give the same bytes.
 */
export function prescriptionFile(
  format: PrescriptionFileFormat,
  input: { prescription: Prescription; field: Field },
): PrescriptionFile {
  const { prescription, field } = input;
  if (prescription.fieldId !== field.id)
    throw new ShambaError(
      'INVALID_REQUEST',
      `prescription ${prescription.id} is for ${prescription.fieldId}, not ${field.id}`,
    );
  const rates = zoneRates(prescription, field);
  const base = `${safe(field.id)}-${prescription.kind}-${safe(prescription.id)}`;
  switch (format) {
    case 'geojson':
      return {
        bytes: geojsonBytes(rates),
        contentType: 'application/geo+json',
        fileName: `${base}.geojson`,
      };
    case 'shapefile':
      return {
        bytes: shapefileZip(rates, base),
        contentType: 'application/zip',
        fileName: `${base}-shapefile.zip`,
      };
    case 'isoxml':
      return {
        bytes: isoxmlZip(rates, field),
        contentType: 'application/zip',
        fileName: `${base}-isoxml.zip`,
      };
  }
}

export { zoneRates, type RateFile, type RateUnit, type ZoneRate } from './zone-rates.js';
