import { z } from 'zod';
import { ShambaError } from '../errors/shamba-error.js';
import { DAY_MS } from '../format/day-ms.js';
import { SUPPLY_UNITS } from '../registry/prescriptions/irrigation.js';
import { COMPACT_EPOCH_MS } from './compact.js';

/**
 * A prescription as a farmer acts on it, in one BeiDou-3 global short message (560 bits = 70
 * bytes, BDS-SIS-ICD-SMS), for a farmer or extension post whose channel is `beidou`: which field,
 * what to do, how much (mm or kg N/ha and the farmer's own units), by when, and which
 * prescription version it is. 19 bytes, all big-endian:
 *
 *   byte 0       0xA1: 0xA ("advice") in the high nibble, version 1 in the low one. A device's
 *                compact uplink starts 0x1S, so neither decoder takes the other's frames.
 *   byte 1       kind code (high nibble) | decision code (low nibble)
 *   bytes 2-3    the field's cooperative-local number, 1-65535
 *   bytes 4-5    amount x 10: irrigation mm, or nitrogen kg N/ha
 *   byte 6       product code (high nibble, 0 none) | supply unit code (low nibble, 0 none)
 *   bytes 7-8    amount in the supply unit x 10 (pump minutes, canal hours, cans, bags...)
 *   bytes 9-10   due date, days since 2020-01-01 (0xFFFF: no date; until 2199)
 *   bytes 11-12  the prescription's revision number (0: before revisions were kept)
 *   bytes 13-16  the prescription's reference (FNV-1a of its id), for replies and the audit
 *   bytes 17-18  CRC-16/CCITT-FALSE of bytes 0-16
 *
 * The CRC is end to end: the message crosses a serial line as hex and the ground segment, and a
 * wrong amount sent to a farmer costs a crop, so the terminal refuses what does not check.
 * Wire codes below are frozen: add, never renumber.
 */
export const FARMER_ADVICE_VERSION = 1;
export const FARMER_ADVICE_BYTES = 19;
const MAGIC = 0xa;
const NO_DATE = 0xffff;
/** u16 in tenths: 6553.5 mm, kg N/ha, minutes or bags, far above any prescription's. */
const MAX_TENTHS = 6553.5;

const KIND_CODES = { irrigation: 1, nitrogen: 2 } as const;
const IRRIGATION_DECISIONS = ['none', 'irrigate', 'wait-for-rain', 'insufficient-data'] as const;
const NITROGEN_DECISIONS = ['none', 'fertilise', 'insufficient-data'] as const;
const DECISION_CODES: {
  irrigation: Record<(typeof IRRIGATION_DECISIONS)[number], number>;
  nitrogen: Record<(typeof NITROGEN_DECISIONS)[number], number>;
} = {
  irrigation: { none: 0, irrigate: 1, 'wait-for-rain': 2, 'insufficient-data': 3 },
  nitrogen: { none: 0, fertilise: 1, 'insufficient-data': 3 },
};
export const NITROGEN_SUPPLY_UNITS = ['bags-50kg', 'kg-product'] as const;
type AdviceUnit = (typeof SUPPLY_UNITS)[number] | (typeof NITROGEN_SUPPLY_UNITS)[number];
const UNIT_CODES: Record<AdviceUnit, number> = {
  'pump-minutes': 1,
  'system-minutes': 2,
  'canal-hours': 3,
  'cans-20l': 4,
  'bags-50kg': 5,
  'kg-product': 6,
};
/** @shamba/agronomy's N_PRODUCTS keys, as far as a code exists for them. */
export const ADVICE_PRODUCTS = [
  'urea',
  'can',
  'nps',
  'dap',
  'npk-17-17-17',
  'npk-20-05-20',
] as const;
const PRODUCT_CODES: Record<(typeof ADVICE_PRODUCTS)[number], number> = {
  urea: 1,
  can: 2,
  nps: 3,
  dap: 4,
  'npk-17-17-17': 5,
  'npk-20-05-20': 6,
};

const tenths = z.number().min(0).max(MAX_TENTHS);
const daysOf = (iso: string) =>
  Math.round((Date.parse(`${iso}T00:00:00Z`) - COMPACT_EPOCH_MS) / DAY_MS);
const isoOf = (days: number) =>
  new Date(COMPACT_EPOCH_MS + days * DAY_MS).toISOString().slice(0, 10);
const base = {
  fieldNumber: z.number().int().min(1).max(0xffff),
  /** The date to act by (ISO, the cooperative's local day), or null: no deadline. */
  dueDate: z.iso
    .date()
    .refine((iso) => daysOf(iso) >= 0 && daysOf(iso) < NO_DATE && isoOf(daysOf(iso)) === iso, {
      message: 'a real date from 2020-01-01 to 2199-06-05',
    })
    .nullable(),
  revision: z.number().int().min(0).max(0xffff),
  prescriptionRef: z.number().int().min(0).max(0xffff_ffff),
};
export const IrrigationAdviceSchema = z.object({
  ...base,
  kind: z.literal('irrigation'),
  decision: z.enum(IRRIGATION_DECISIONS),
  amountMm: tenths,
  supply: z.object({ amount: tenths, unit: z.enum(SUPPLY_UNITS) }).nullable(),
});
export const NitrogenAdviceSchema = z.object({
  ...base,
  kind: z.literal('nitrogen'),
  decision: z.enum(NITROGEN_DECISIONS),
  nKgHa: tenths,
  product: z.enum(ADVICE_PRODUCTS).nullable(),
  supply: z.object({ amount: tenths, unit: z.enum(NITROGEN_SUPPLY_UNITS) }).nullable(),
});
export const FarmerAdviceSchema = z.discriminatedUnion('kind', [
  IrrigationAdviceSchema,
  NitrogenAdviceSchema,
]);
export type FarmerAdvice = z.infer<typeof FarmerAdviceSchema>;
export type IrrigationAdvice = z.infer<typeof IrrigationAdviceSchema>;
export type NitrogenAdvice = z.infer<typeof NitrogenAdviceSchema>;

const invalid = (message: string, cause?: unknown) =>
  new ShambaError('INVALID_PAYLOAD', `farmer advice: ${message}`, { cause });

export function encodeFarmerAdvice(advice: FarmerAdvice): Uint8Array {
  const parsed = FarmerAdviceSchema.safeParse(advice);
  if (!parsed.success) throw invalid(z.prettifyError(parsed.error), parsed.error);
  const a = parsed.data;
  const [decision, amount, product] =
    a.kind === 'irrigation'
      ? [DECISION_CODES.irrigation[a.decision], a.amountMm, 0]
      : [DECISION_CODES.nitrogen[a.decision], a.nKgHa, a.product ? PRODUCT_CODES[a.product] : 0];
  const view = new DataView(new ArrayBuffer(FARMER_ADVICE_BYTES));
  view.setUint8(0, (MAGIC << 4) | FARMER_ADVICE_VERSION);
  view.setUint8(1, (KIND_CODES[a.kind] << 4) | decision);
  view.setUint16(2, a.fieldNumber);
  view.setUint16(4, Math.round(amount * 10));
  view.setUint8(6, (product << 4) | (a.supply ? UNIT_CODES[a.supply.unit] : 0));
  view.setUint16(7, a.supply ? Math.round(a.supply.amount * 10) : 0);
  view.setUint16(9, a.dueDate === null ? NO_DATE : daysOf(a.dueDate));
  view.setUint16(11, a.revision);
  view.setUint32(13, a.prescriptionRef);
  const bytes = new Uint8Array(view.buffer);
  view.setUint16(17, crc16(bytes.subarray(0, 17)));
  return bytes;
}

export function decodeFarmerAdvice(bytes: Uint8Array): FarmerAdvice {
  const view = checkedFrame(bytes);
  const kind = codeName(KIND_CODES, bytes[1]! >> 4, 'kind');
  const decisions: Readonly<Record<string, number>> = DECISION_CODES[kind];
  const decision = codeName(decisions, bytes[1]! & 0x0f, `${kind} decision`);
  const [productCode, unitCode] = [bytes[6]! >> 4, bytes[6]! & 0x0f];
  const supplyRaw = view.getUint16(7);
  if (unitCode === 0 && supplyRaw !== 0) throw invalid('a supply amount without its unit');
  if (kind === 'irrigation' && productCode !== 0) throw invalid('a product on irrigation advice');
  const dueDays = view.getUint16(9);
  const amount = view.getUint16(4) / 10;
  const common = {
    kind,
    decision,
    fieldNumber: view.getUint16(2),
    dueDate: dueDays === NO_DATE ? null : isoOf(dueDays),
    revision: view.getUint16(11),
    prescriptionRef: view.getUint32(13),
    supply:
      unitCode === 0
        ? null
        : { amount: supplyRaw / 10, unit: codeName(UNIT_CODES, unitCode, 'unit') },
  };
  const advice =
    kind === 'irrigation'
      ? { ...common, amountMm: amount }
      : {
          ...common,
          nKgHa: amount,
          product: productCode === 0 ? null : codeName(PRODUCT_CODES, productCode, 'product'),
        };
  // The schema checks what the codes cannot: a unit that belongs to the other kind, a date.
  const parsed = FarmerAdviceSchema.safeParse(advice);
  if (!parsed.success) throw invalid(z.prettifyError(parsed.error), parsed.error);
  return parsed.data;
}

/** The frame's header, length and CRC, in the order that gives the most telling error. */
function checkedFrame(bytes: Uint8Array): DataView {
  const head = bytes[0];
  if (head === undefined) throw invalid('empty message');
  if (head >> 4 !== MAGIC) throw invalid(`not farmer advice (header 0x${hex(head)})`);
  if ((head & 0x0f) !== FARMER_ADVICE_VERSION)
    throw invalid(`unknown version ${head & 0x0f} (this decoder reads ${FARMER_ADVICE_VERSION})`);
  if (bytes.length < FARMER_ADVICE_BYTES)
    throw invalid(`truncated: ${bytes.length} of ${FARMER_ADVICE_BYTES} bytes`);
  if (bytes.length > FARMER_ADVICE_BYTES)
    throw invalid(`${bytes.length - FARMER_ADVICE_BYTES} bytes after the message`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [sent, computed] = [view.getUint16(17), crc16(bytes.subarray(0, 17))];
  if (sent !== computed)
    throw invalid(`corrupt: CRC 0x${hex(sent, 4)}, computed 0x${hex(computed, 4)}`);
  return view;
}

function codeName<K extends string>(
  codes: Readonly<Record<K, number>>,
  code: number,
  what: string,
): K {
  const name = (Object.keys(codes) as K[]).find((key) => codes[key] === code);
  if (name === undefined) throw invalid(`unknown ${what} code ${code}`);
  return name;
}

const hex = (value: number, digits = 2) => value.toString(16).toUpperCase().padStart(digits, '0');

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected, no final XOR; check value 0x29B1
 * for "123456789"): "Catalogue of parametrised CRC algorithms", CRC-16/IBM-3740.
 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A prescription's id as the message's 32-bit reference: FNV-1a (Fowler, Noll, Vo; IETF draft-eastlake-fnv). */
export function prescriptionRef(prescriptionId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(prescriptionId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
