import type { Field, NitrogenZone, Polygon, Prescription, PrescriptionKind } from '@shamba/schemas';

/** The unit a file's rate is in: irrigation gross depth, N, or the fertiliser product. */
export type RateUnit = 'mm' | 'kg N/ha' | 'kg/ha';

/** One zone as a machine reads it: where, how much, and why (when it is 0). */
export interface ZoneRate {
  zoneId: string;
  name: string;
  boundary: Polygon;
  /** The zone's recorded area (what the prescription's volumes are computed on), ha. */
  areaHa: number;
  /** The rate in `RateFile.unit`; 0 for a zone with no rate (see `status`). */
  rate: number;
  /**
   * Irrigation: the zone's action (`irrigate`, `none`, `insufficient-data`); nitrogen: the
   * zone's status (`ok`, `no-response`, `reference`, `legume`, `n-budget`, `no-rate`). A zone
   * the prescription does not list is `no-rate`.
   */
  status: string;
  /** Irrigation only: the zone's gross volume, m3. */
  volumeM3?: number;
  /** Nitrogen only: the zone's N, kg N/ha (the rate itself when no product is named). */
  nKgHa?: number;
}

/** What every format writes: the zones with one rate each, in one unit. */
export interface RateFile {
  prescriptionId: string;
  fieldId: string;
  fieldName: string;
  kind: PrescriptionKind;
  unit: RateUnit;
  /** The fertiliser product the rate is of (nitrogen with a product), else null. */
  product: { id: string; name: string } | null;
  createdAtMs: number;
  zones: ZoneRate[];
}

/** The field's zones; a field without zones is one zone with the field's id (entities.ts). */
function fieldZones(field: Field) {
  return (
    field.zones ?? [
      { id: field.id, name: field.name, boundary: field.boundary, areaHa: field.areaHa },
    ]
  );
}

const finiteOr0 = (value: number) => (Number.isFinite(value) ? value : 0);

/**
 * The product the N is applied as, as the SMS text reads it (messages/facts.ts): the first
 * product of the zone with the largest dose. Only when every dosed zone names it, so each
 * zone's rate is of the same product; otherwise the files carry kg N/ha.
 */
function nitrogenProduct(zones: readonly NitrogenZone[]) {
  const dosed = zones.filter((z) => 'nKgHa' in z && z.nKgHa > 0);
  const withProducts = dosed.filter((z) => 'products' in z);
  if (withProducts.length === 0 || withProducts.length < dosed.length) return null;
  const top = [...withProducts].sort((a, b) => b.nKgHa - a.nKgHa)[0]!;
  const first = top.products[0];
  if (first === undefined) return null;
  const all = withProducts.every((z) => z.products.some((p) => p.product === first.product));
  return all ? { id: first.product, name: first.name } : null;
}

/**
 * The per-zone rates of a prescription over its field's zones, read as the dashboard's map
 * (map-data.ts) and the SMS facts read them: irrigation the zone's gross depth in mm (the
 * sensor-only rule has no zones: its one field depth is every zone's), nitrogen the zone's
 * kg N/ha, or the named product's kg/ha. A zone with no rate (insufficient data, no N budget,
 * not listed) carries rate 0 and says why in `status`: a machine applies nothing there.
 */
export function zoneRates(prescription: Prescription, field: Field): RateFile {
  const base = {
    prescriptionId: prescription.id,
    fieldId: field.id,
    fieldName: field.name,
    kind: prescription.kind,
    createdAtMs: prescription.createdAtMs,
  };
  const zones = fieldZones(field);
  if (prescription.kind === 'irrigation') {
    const p = prescription;
    return {
      ...base,
      unit: 'mm',
      product: null,
      zones: zones.map((zone) => {
        const own = p.zones?.find((z) => z.zoneId === zone.id);
        const status = own?.action ?? (p.zones === undefined ? p.action : 'no-rate');
        const depthMm = own?.grossDepthMm ?? (p.zones === undefined ? p.grossDepthMm : 0);
        const rate = status === 'irrigate' ? finiteOr0(depthMm) : 0;
        // m3 = mm x ha x 10 (1 mm over 1 ha is 10 m3).
        const volumeM3 = own?.volumeM3 ?? rate * zone.areaHa * 10;
        return { ...zoneOf(zone), rate, status, volumeM3: status === 'irrigate' ? volumeM3 : 0 };
      }),
    };
  }
  const p = prescription;
  const product = nitrogenProduct(p.zones);
  return {
    ...base,
    unit: product === null ? 'kg N/ha' : 'kg/ha',
    product,
    zones: zones.map((zone) => {
      const own = p.zones.find((z) => z.zoneId === zone.id);
      const nKgHa = own !== undefined && 'nKgHa' in own ? finiteOr0(own.nKgHa) : 0;
      const productKgHa =
        own !== undefined && 'products' in own
          ? (own.products.find((x) => x.product === product?.id)?.kgPerHa ?? 0)
          : 0;
      return {
        ...zoneOf(zone),
        rate: product === null ? nKgHa : finiteOr0(productKgHa),
        status: own?.status ?? 'no-rate',
        nKgHa,
      };
    }),
  };
}

function zoneOf(zone: {
  id: string;
  name?: string | undefined;
  boundary: Polygon;
  areaHa: number;
}) {
  return {
    zoneId: zone.id,
    name: zone.name ?? zone.id,
    boundary: zone.boundary,
    areaHa: zone.areaHa,
  };
}
