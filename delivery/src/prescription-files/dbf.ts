// A dBASE III table, the .dbf of a shapefile (ESRI Shapefile Technical Description, 1998,
// dBASE file section: the feature attributes, one record per feature, in the
// order of the .shp). Layout from the dBASE III PLUS file structure (Ashton-Tate, 1985):
// a 32-byte header, 32-byte field descriptors, 0x0D, fixed-width records, 0x1A.
import { ShambaError } from '@shamba/schemas';

export interface DbfField {
  /** 10 ASCII characters at most: the 11-byte name slot ends with a NUL. */
  name: string;
  type: 'C' | 'N';
  /** Bytes per value. */
  length: number;
  /** Digits after the point (numeric only). */
  decimals: number;
}

const VERSION_DBASE_III = 0x03;
const HEADER_BYTES = 32;
const DESCRIPTOR_BYTES = 32;
const HEADER_TERMINATOR = 0x0d;
const END_OF_FILE = 0x1a;
const RECORD_VALID = 0x20; // ' ': not deleted
const MAX_NAME = 10;

/** The value as the field's bytes: numbers right-aligned, text left-aligned, space-padded. */
function cell(field: DbfField, value: string | number): Uint8Array {
  const out = new Uint8Array(field.length).fill(0x20);
  if (field.type === 'N') {
    const text = Number(value).toFixed(field.decimals);
    if (text.length > field.length)
      throw new ShambaError('OUT_OF_RANGE', `${field.name}: ${text} is wider than ${field.length}`);
    out.set(new TextEncoder().encode(text), field.length - text.length);
    return out;
  }
  // UTF-8 (the .cpg says so), cut at a character boundary to fit.
  let bytes = new TextEncoder().encode(String(value));
  let chars = [...String(value)];
  while (bytes.length > field.length) {
    chars = chars.slice(0, -1);
    bytes = new TextEncoder().encode(chars.join(''));
  }
  out.set(bytes, 0);
  return out;
}

/** The .dbf bytes of the rows, one per shape, in the shapes' order; `date` is the last update. */
export function writeDbf(
  fields: readonly DbfField[],
  rows: readonly (readonly (string | number)[])[],
  date: Date,
): Uint8Array {
  for (const f of fields)
    if (!/^[A-Z0-9_]{1,10}$/.test(f.name) || f.name.length > MAX_NAME)
      throw new ShambaError('INVALID_REQUEST', `dBASE field name ${f.name}: 1-10 of A-Z 0-9 _`);
  const headerBytes = HEADER_BYTES + DESCRIPTOR_BYTES * fields.length + 1;
  const recordBytes = 1 + fields.reduce((s, f) => s + f.length, 0);
  const out = new Uint8Array(headerBytes + recordBytes * rows.length + 1);
  const view = new DataView(out.buffer);
  out[0] = VERSION_DBASE_III;
  out[1] = date.getUTCFullYear() - 1900;
  out[2] = date.getUTCMonth() + 1;
  out[3] = date.getUTCDate();
  view.setUint32(4, rows.length, true);
  view.setUint16(8, headerBytes, true);
  view.setUint16(10, recordBytes, true);
  fields.forEach((f, i) => {
    const at = HEADER_BYTES + i * DESCRIPTOR_BYTES;
    out.set(new TextEncoder().encode(f.name), at); // NUL-padded to 11 bytes
    out[at + 11] = f.type.charCodeAt(0);
    out[at + 16] = f.length;
    out[at + 17] = f.decimals;
  });
  out[headerBytes - 1] = HEADER_TERMINATOR;
  rows.forEach((row, r) => {
    let at = headerBytes + r * recordBytes;
    out[at++] = RECORD_VALID;
    fields.forEach((f, i) => {
      out.set(cell(f, row[i] ?? ''), at);
      at += f.length;
    });
  });
  out[out.length - 1] = END_OF_FILE;
  return out;
}
