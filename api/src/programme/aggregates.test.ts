import { describe, expect, it } from 'vitest';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import type { Field } from '@shamba/schemas';
import { programmeView, type FieldFacts } from './aggregates.js';

const coops = [
  coopFixture({ id: 'et-1', countryCode: 'ET' }),
  coopFixture({ id: 'et-2', countryCode: 'ET' }),
  coopFixture({ id: 'br-1', countryCode: 'BR' }),
];

/** `farms` farmers with one field each (`areaHa` each) of a crop in a cooperative. */
function fields(coopId: string, crop: string, farms: number, areaHa = 0.5): Field[] {
  return Array.from({ length: farms }, (_, i) =>
    fieldFixture({
      id: `${coopId}-${crop}-${i}`,
      coopId,
      farmerId: `${crop}-farmer-${i}`,
      crop,
      areaHa,
    }),
  );
}

const bare = (list: Field[]): FieldFacts[] => list.map((field) => ({ field, latest: {} }));

describe('programmeView', () => {
  it('publishes a cell only over five farms or more, counting farmers across cooperatives', () => {
    const view = programmeView(coops, [
      ...bare(fields('et-1', 'maize', 3)),
      ...bare(fields('et-2', 'maize', 2)), // 5 farms of maize in ET, over two cooperatives
      ...bare(fields('et-1', 'teff', 6)),
      ...bare(fields('br-1', 'coffee', 4)), // 4: withheld
    ]);
    expect(view).toEqual({
      minFarmsPerCell: 5,
      cells: [
        {
          countryCode: 'ET',
          crop: 'maize',
          farms: 5,
          fields: 5,
          cooperatives: 2,
          areaHa: 2.5,
          irrigateShare: null,
          meanGrossDepthMm: null,
          meanNKgHa: null,
        },
        {
          countryCode: 'ET',
          crop: 'teff',
          farms: 6,
          fields: 6,
          cooperatives: 1,
          areaHa: 3,
          irrigateShare: null,
          meanGrossDepthMm: null,
          meanNKgHa: null,
        },
      ],
      withheldCells: 1,
    });
  });

  it('withholds a second cell where one alone would be withheld in a country', () => {
    const view = programmeView(coops, [
      ...bare(fields('et-1', 'maize', 7)),
      ...bare(fields('et-1', 'teff', 5)),
      ...bare(fields('et-1', 'sorghum', 2)),
    ]);
    expect(view.cells.map((c) => [c.crop, c.farms])).toEqual([['maize', 7]]);
    expect(view.withheldCells).toBe(2);
  });

  it('averages what was prescribed, never showing one field', () => {
    const maize = fields('et-1', 'maize', 5, 1);
    const facts: FieldFacts[] = maize.map((field, i) => ({
      field,
      latest: {
        irrigation: {
          action: i < 2 ? 'irrigate' : 'none',
          grossDepthMm: i < 2 ? 20 + i * 10 : 0,
        },
        nitrogen: { action: i === 4 ? 'insufficient-data' : 'fertilise', nKgHa: 40 + i * 10 },
      } as unknown as FieldFacts['latest'],
    }));
    const [cell] = programmeView(coops, facts).cells;
    // 2 of 5 irrigate, at 20 and 30 mm; N over the 4 fields with a rate: (40+50+60+70)/4.
    expect(cell).toMatchObject({ irrigateShare: 0.4, meanGrossDepthMm: 25, meanNKgHa: 55 });
  });
});
