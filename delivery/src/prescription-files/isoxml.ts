// ISOXML task data (ISO 11783-10:2015, version 4): TASKDATA/TASKDATA.XML and the grid's binary
// file, zipped. Element and attribute letters as ISO 11783-10 defines them (its XML schema,
// ISO11783_TaskFile V4): CTR, FRM, PDT, PFD, PLN, LSG, PNT, TSK, TZN, PDV, GRD.
// Written here rather than with the `isoxml` package (dev4Agriculture/isoxml-js): its grid
// generator pulls in all of @turf/turf and rbush for a point-in-polygon per cell, and its
// writer is async; this is one small document whose every attribute the tests read back. The
// grid follows the same layout its type-2 reader expects (src/entities/Grid/Grid.ts there).
import { zipSync } from 'fflate';
import type { Field } from '@shamba/schemas';
import { gridBytes, gridOver, type GridSpec } from './isoxml-grid.js';
import { ddiHex, processDataValue, rateDdi, type RateDdi } from './isoxml-ddi.js';
import { orientedRings } from './rings.js';
import { zipTime } from './zip-time.js';
import type { RateFile } from './zone-rates.js';

/** GRD G: "GRD" and five digits (ISO 11783-10 GRD); the binary file sits beside TASKDATA.XML as .BIN. */
export const GRID_FILE = 'GRD00001';
/** The TZN that is outside every zone: the grid's template (GRD J), out of field, position lost. */
export const OUTSIDE_ZONE_CODE = 0;

/** An attribute's text: designators and codes hold 32 characters at most (annex D), escaped. */
const escape = (text: string) =>
  [...text]
    .slice(0, 32)
    .join('')
    .replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const attrs = (values: Record<string, string | number>) =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${typeof v === 'string' ? escape(v) : v}"`)
    .join('');

/** Decimal degrees as ISOXML writes positions (PNT C and D: up to 9 decimals). */
const deg = (value: number) => value.toFixed(9);

/** The partfield boundary: PLN type 1, one LSG per ring (1 exterior, 2 interior), PNT type 2. */
function boundaryXml(field: Field): string {
  const rings = orientedRings(field.boundary, false).map(
    (ring, i) =>
      `<LSG A="${i === 0 ? 1 : 2}">${ring
        .map(([lon, lat]) => `<PNT A="2" C="${deg(lat)}" D="${deg(lon)}"/>`)
        .join('')}</LSG>`,
  );
  return `<PLN A="1"${attrs({ B: field.name })}>${rings.join('')}</PLN>`;
}

function gridXml(grid: GridSpec, bytes: number): string {
  return `<GRD${attrs({
    A: deg(grid.minNorthDeg),
    B: deg(grid.minEastDeg),
    C: grid.cellNorthDeg.toFixed(12),
    D: grid.cellEastDeg.toFixed(12),
    E: grid.columns,
    F: grid.rows,
    G: GRID_FILE,
    H: bytes,
    I: 2,
    J: OUTSIDE_ZONE_CODE,
  })}/>`;
}

export interface TaskData {
  xml: string;
  grid: Uint8Array;
  gridSpec: GridSpec;
  ddi: RateDdi;
}

/** The task data of one prescription: one task, its partfield, a TZN per zone, the grid. */
export function taskData(file: RateFile, field: Field): TaskData {
  const ddi = rateDdi(
    file.unit,
    file.zones.map((z) => z.rate),
  );
  const values = file.zones.map((z) => processDataValue(ddi, z.rate));
  const pdv = (value: number) => `<PDV A="${ddiHex(ddi.ddi)}" B="${value}" C="PDT1"/>`;
  // Zone codes 1..n in the field's order (TZN A is a byte: a field has at most 20 zones).
  const zones = file.zones.map(
    (z, i) => `<TZN${attrs({ A: i + 1, B: z.zoneId })}>${pdv(values[i]!)}</TZN>`,
  );
  const gridSpec = gridOver([field.boundary, ...file.zones.map((z) => z.boundary)]);
  const grid = gridBytes(
    gridSpec,
    file.zones.map((z, i) => ({ boundary: z.boundary, value: values[i]! })),
    0,
  );
  const productName = file.product?.name ?? (file.kind === 'irrigation' ? 'Water' : 'Nitrogen (N)');
  const areaM2 = Math.round(field.areaHa * 10_000);
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<ISO11783_TaskData VersionMajor="4" VersionMinor="3" ManagementSoftwareManufacturer="Shamba"` +
    ` ManagementSoftwareVersion="0.1.0" DataTransferOrigin="1">\n` +
    `<CTR${attrs({ A: 'CTR1', B: field.coopId })}/>\n` +
    `<FRM${attrs({ A: 'FRM1', B: field.farmerId, I: 'CTR1' })}/>\n` +
    `<PDT${attrs({ A: 'PDT1', B: productName })}/>\n` +
    `<PFD${attrs({ A: 'PFD1', B: field.id, C: field.name, D: areaM2, E: 'CTR1', F: 'FRM1' })}>` +
    `${boundaryXml(field)}</PFD>\n` +
    // TSK G=1: planned; I and J (position lost, out of field): the zone that applies nothing.
    `<TSK${attrs({
      A: 'TSK1',
      B: `${file.kind} ${file.prescriptionId}`,
      C: 'CTR1',
      D: 'FRM1',
      E: 'PFD1',
      G: 1,
      I: OUTSIDE_ZONE_CODE,
      J: OUTSIDE_ZONE_CODE,
    })}>\n` +
    `<TZN${attrs({ A: OUTSIDE_ZONE_CODE, B: 'outside zones' })}>${pdv(0)}</TZN>\n` +
    zones.map((z) => `${z}\n`).join('') +
    `${gridXml(gridSpec, grid.length)}\n` +
    `</TSK>\n</ISO11783_TaskData>\n`;
  return { xml, grid, gridSpec, ddi };
}

/** The zip a terminal reads from a USB stick: TASKDATA/TASKDATA.XML and TASKDATA/GRD00001.BIN. */
export function isoxmlZip(file: RateFile, field: Field): Uint8Array {
  const { xml, grid } = taskData(file, field);
  return zipSync(
    {
      'TASKDATA/TASKDATA.XML': new TextEncoder().encode(xml),
      [`TASKDATA/${GRID_FILE}.BIN`]: grid,
    },
    { mtime: zipTime(file.createdAtMs) },
  );
}
