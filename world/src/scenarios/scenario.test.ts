import { describe, expect, it } from 'vitest';
import { FieldSchema } from '@shamba/schemas';
import { OROMIA_DEMO } from './built-in.js';

describe('the demo scenario', () => {
  it('gives every field a water supply the registry accepts, the teff plots watered by hand', () => {
    const supplies = Object.fromEntries(
      OROMIA_DEMO.fields.map((f) => [f.id, f.waterSupply?.method]),
    );
    expect(supplies).toEqual({
      'field-tolosa-maize': 'canal',
      'field-tolosa-teff': 'hand',
      'field-almaz-maize': 'pump',
      'field-chaltu-teff': 'hand',
    });
    for (const { zones: _zones, ...f } of OROMIA_DEMO.fields) {
      const parsed = FieldSchema.parse({ ...f, coopId: 'c', areaHa: 1 });
      expect(parsed.waterSupply, f.id).toEqual(f.waterSupply);
    }
  });
});
