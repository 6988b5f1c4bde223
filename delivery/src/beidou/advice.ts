import {
  ADVICE_PRODUCTS,
  prescriptionRef,
  type FarmerAdvice,
  type IrrigationAdvice,
  type IrrigationPrescription,
  type NitrogenAdvice,
  type NitrogenPrescription,
  type NitrogenZone,
  type Prescription,
} from '@shamba/schemas';
import { messageFacts } from '../messages/index.js';
import { roundMm, roundSupplyAmount } from '../messages/rounding.js';

export interface AdviceInput {
  prescription: Prescription;
  /** The field's 1-based number in its farmer's list (fieldNumber()): what replies name. */
  fieldNumber: number;
  /** IANA time zone of the cooperative: the local day a due date is. */
  timeZone: string;
}

/**
 * The farmer advice (one BeiDou short message, @shamba/schemas' farmer-advice codec) a
 * prescription becomes. The decision and the date are the SMS's (messageFacts), so a farmer on
 * either channel is told the same thing by the same day; amounts are rounded as the SMS rounds
 * them (whole mm, pump minutes to 5, half bags). The message has no room for a zone's name, so
 * the amounts are the field's (the prescription's own `grossDepthMm` and `units`: the field's
 * whole volume spread over its area), never one zone's taken for the field's.
 */
export function adviceFromPrescription(input: AdviceInput): FarmerAdvice {
  const { prescription: p } = input;
  const head = {
    fieldNumber: input.fieldNumber,
    // The codec keeps 16 bits; a field past 65535 revisions restarts its count (the reference
    // below still names the exact version).
    revision: (p.revision?.number ?? 0) & 0xffff,
    // FNV-1a of the id: a reply or an audit finds the exact version the farmer was shown.
    prescriptionRef: prescriptionRef(p.id),
  };
  return p.kind === 'irrigation'
    ? irrigationAdvice(p, input, head)
    : nitrogenAdvice(p, input, head);
}

type Head = Pick<FarmerAdvice, 'fieldNumber' | 'revision' | 'prescriptionRef'>;

/**
 * Tenths in 16 bits (the codec's range). A supply amount above it is left out (the mm still go);
 * a depth or a dose above it is no prescription: the codec refuses it, and the notice logs why.
 */
const MAX_TENTHS = 6553.5;

function irrigationAdvice(
  p: IrrigationPrescription,
  input: AdviceInput,
  head: Head,
): IrrigationAdvice {
  const facts = messageFacts(p, { name: '' }, { timeZone: input.timeZone });
  if (facts.kind !== 'irrigation') throw new Error('unreachable: irrigation facts');
  const base = { ...head, kind: 'irrigation' as const };
  switch (facts.decision) {
    case 'irrigate':
    case 'irrigate-limited': {
      const units = p.units ?? null;
      const amount = units === null ? 0 : roundSupplyAmount(units);
      return {
        ...base,
        decision: 'irrigate',
        amountMm: roundMm(p.grossDepthMm),
        supply:
          units === null || amount <= 0 || amount > MAX_TENTHS
            ? null
            : { amount, unit: units.unit },
        dueDate: facts.byDateIso,
      };
    }
    case 'water-by':
      // Nothing to do today, but water is due by a date within the forecast: the date is kept.
      return { ...base, decision: 'none', amountMm: 0, supply: null, dueDate: facts.byDateIso };
    case 'wait-for-rain':
      return { ...base, decision: 'wait-for-rain', amountMm: 0, supply: null, dueDate: null };
    case 'no-water':
      return { ...base, decision: 'none', amountMm: 0, supply: null, dueDate: null };
    case 'no-data':
      return { ...base, decision: 'insufficient-data', amountMm: 0, supply: null, dueDate: null };
  }
}

function nitrogenAdvice(p: NitrogenPrescription, input: AdviceInput, head: Head): NitrogenAdvice {
  const facts = messageFacts(p, { name: '' }, { timeZone: input.timeZone });
  if (facts.kind !== 'nitrogen') throw new Error('unreachable: nitrogen facts');
  const base = { ...head, kind: 'nitrogen' as const };
  const nothing = { nKgHa: 0, product: null, supply: null, dueDate: null };
  if (facts.decision === 'no-data') return { ...base, decision: 'insufficient-data', ...nothing };
  if (facts.decision === 'no-need') return { ...base, decision: 'none', ...nothing };
  const product = facts.product;
  const bags = product?.bags ?? 0;
  // Half bags (messageFacts); a plot's dose under a quarter bag is said in kg of the product.
  const supply =
    product === null
      ? null
      : bags > 0
        ? { amount: bags, unit: 'bags-50kg' as const }
        : product.kg > 0
          ? { amount: product.kg, unit: 'kg-product' as const }
          : null;
  return {
    ...base,
    decision: 'fertilise',
    nKgHa: facts.nKgHa,
    product: product === null ? null : productCode(p.zones, product.name),
    supply: supply !== null && supply.amount <= MAX_TENTHS ? supply : null,
    // The first (or only) split goes on now: due the prescription's local day.
    dueDate: localDateIso(p.asOfMs, input.timeZone),
  };
}

/** The product's code in the advice, when the codec has one for it (else the screen names none). */
function productCode(zones: readonly NitrogenZone[], name: string): NitrogenAdvice['product'] {
  const key = zones
    .flatMap((z) => ('products' in z ? z.products : []))
    .find((pr) => pr.name === name)?.product;
  return (ADVICE_PRODUCTS as readonly string[]).includes(key ?? '')
    ? (key as NonNullable<NitrogenAdvice['product']>)
    : null;
}

/** `YYYY-MM-DD` of an instant in a time zone ('en-CA' formats dates as ISO does). */
function localDateIso(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}
