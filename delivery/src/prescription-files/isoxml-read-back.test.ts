// ISOXML read back by a separate parser (fast-xml-parser), the grid by its GRD attributes
// alone, and each cell's zone by turf's point-in-polygon: not by the writer's own code.
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Field, Polygon, Prescription } from '@shamba/schemas';
import { irrigationFixture, nitrogenFixture, zonedField } from './fixtures.js';
import { prescriptionFile } from './index.js';

type Attrs = Record<string, string>;
type Element = Attrs & Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  isArray: (name) => ['TZN', 'PDV', 'LSG', 'PNT', 'PLN'].includes(name),
});

function readTaskData(prescription: Prescription, field: Field) {
  const { bytes, fileName, contentType } = prescriptionFile('isoxml', { prescription, field });
  const files = unzipSync(bytes);
  expect(Object.keys(files).sort()).toEqual(['TASKDATA/GRD00001.BIN', 'TASKDATA/TASKDATA.XML']);
  const doc = parser.parse(new TextDecoder().decode(files['TASKDATA/TASKDATA.XML'])) as {
    ISO11783_TaskData: Element & { PFD: Element & { PLN: Element[] }; TSK: Element };
  };
  return {
    root: doc.ISO11783_TaskData,
    grid: files['TASKDATA/GRD00001.BIN']!,
    fileName,
    contentType,
  };
}

/** The value each cell should hold: the zone containing the cell's centre, else 0. */
function expectedCells(grd: Attrs, zones: { boundary: Polygon; value: number }[]) {
  const [minN, minE, cellN, cellE] = ['A', 'B', 'C', 'D'].map((k) => Number(grd[k]));
  const [columns, rows] = [Number(grd['E']), Number(grd['F'])];
  const cells: number[] = [];
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++) {
      const centre = [minE! + (column + 0.5) * cellE!, minN! + (row + 0.5) * cellN!];
      const zone = zones.find((z) => booleanPointInPolygon(centre, closedPolygon(z.boundary)));
      cells.push(zone?.value ?? 0);
    }
  return cells;
}

const closedPolygon = (p: Polygon): Polygon => ({
  type: 'Polygon',
  coordinates: p.coordinates.map((ring) =>
    ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring : [...ring, ring[0]!],
  ),
});

describe('ISOXML task data read back', () => {
  const field = zonedField();

  it('holds a task with its partfield boundary, a TZN per zone and the outside zone', () => {
    const { root, fileName, contentType } = readTaskData(irrigationFixture(), field);
    expect([fileName, contentType]).toEqual([
      'field-z-irrigation-rx-water-1-isoxml.zip',
      'application/zip',
    ]);
    expect([root['VersionMajor'], root['VersionMinor'], root['DataTransferOrigin']]).toEqual([
      '4',
      '3',
      '1',
    ]);
    const pln = root.PFD.PLN[0] as Element & { LSG: (Element & { PNT: Attrs[] })[] };
    expect(pln['A']).toBe('1');
    expect(pln.LSG.map((l) => l['A'])).toEqual(['1']);
    // The boundary as [lon, lat], outer ring counter-clockwise (the field's was drawn clockwise).
    expect(pln.LSG[0]!.PNT.map((p) => [Number(p['D']), Number(p['C'])])).toEqual([
      [38.72, 7.93],
      [38.722, 7.93],
      [38.722, 7.931],
      [38.72, 7.931],
      [38.72, 7.93],
    ]);
    expect(pln.LSG[0]!.PNT.every((p) => p['A'] === '2')).toBe(true);
    const task = root.TSK as Element & { TZN: (Attrs & { PDV: Attrs[] })[] };
    expect([task['E'], task['G'], task['I'], task['J']]).toEqual(['PFD1', '1', '0', '0']);
    expect(task.TZN.map((z) => [z['A'], z['B']])).toEqual([
      ['0', 'outside zones'],
      ['1', 'zone-west'],
      ['2', 'zone-east'],
    ]);
  });

  it('writes water as DDI 1 and converts back to the prescribed mm', () => {
    const { root } = readTaskData(irrigationFixture(12.5), field);
    const task = root.TSK as Element & { TZN: (Attrs & { PDV: Attrs[] })[] };
    const pdvs = task.TZN.map((z) => z.PDV[0]!);
    expect(pdvs.map((p) => p['A'])).toEqual(['0001', '0001', '0001']);
    // DDI 1: mm³/m² in steps of 0.01; 1 mm = 1e6 mm³/m².
    expect(pdvs.map((p) => (Number(p['B']) * 0.01) / 1e6)).toEqual([0, 12.5, 0]);
  });

  it('writes a depth DDI 1 cannot hold (over 21.47 mm) as DDI 588 in ml/m²', () => {
    const { root, grid } = readTaskData(irrigationFixture(35.2), field);
    const task = root.TSK as Element & { TZN: (Attrs & { PDV: Attrs[] })[]; GRD: Attrs };
    const pdvs = task.TZN.map((z) => z.PDV[0]!);
    expect(pdvs.map((p) => p['A'])).toEqual(['024C', '024C', '024C']);
    // DDI 588: ml/m² in steps of 0.1; 1 mm = 1000 ml/m².
    expect(pdvs.map((p) => (Number(p['B']) * 0.1) / 1000)).toEqual([0, 35.2, 0]);
    const cells = new Int32Array(grid.buffer, grid.byteOffset, grid.length / 4);
    expect(Math.max(...cells)).toBe(352_000);
  });

  it('writes the product as DDI 6 in mg/m² and converts back to kg/ha', () => {
    const { root } = readTaskData(nitrogenFixture(), field);
    const task = root.TSK as Element & { TZN: (Attrs & { PDV: Attrs[] })[] };
    expect((root['PDT'] as unknown as Attrs)['B']).toBe('Urea');
    expect(task.TZN.map((z) => [z.PDV[0]!['A'], Number(z.PDV[0]!['B']) / 100])).toEqual([
      ['0006', 0],
      ['0006', 100],
      ['0006', 0],
    ]);
  });

  it('covers the field with a type-2 grid whose cells hold the rate of the zone at their centre', () => {
    const { root, grid } = readTaskData(irrigationFixture(12.5), field);
    const grd = (root.TSK as Element & { GRD: Attrs }).GRD;
    const [columns, rows] = [Number(grd['E']), Number(grd['F'])];
    expect([grd['G'], grd['I'], grd['J'], Number(grd['H'])]).toEqual([
      'GRD00001',
      '2',
      '0',
      grid.length,
    ]);
    expect(grid.length).toBe(columns * rows * 4);
    // The grid spans the field: its south-west corner, and at least the field's extent.
    expect([Number(grd['A']), Number(grd['B'])]).toEqual([7.93, 38.72]);
    expect(Number(grd['A']) + rows * Number(grd['C'])).toBeGreaterThanOrEqual(7.931);
    expect(Number(grd['B']) + columns * Number(grd['D'])).toBeGreaterThanOrEqual(38.722);
    const view = new DataView(grid.buffer, grid.byteOffset, grid.length);
    const cells = Array.from({ length: columns * rows }, (_, i) => view.getInt32(i * 4, true));
    const expected = expectedCells(grd, [
      { boundary: field.zones![0]!.boundary, value: 1_250_000_000 },
      { boundary: field.zones![1]!.boundary, value: 0 },
    ]);
    expect(cells).toEqual(expected);
    // Not trivially all one value: west cells carry the rate, the hole and the east none.
    expect(cells.filter((v) => v === 1_250_000_000).length).toBeGreaterThan(100);
    expect(cells.filter((v) => v === 0).length).toBeGreaterThan(100);
  });
});
