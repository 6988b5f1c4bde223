import { decodeFarmerAdvice, parseTxr, type FarmerAdvice } from '@shamba/schemas';
import type { ShortMessageNetwork } from './terminal.js';

/**
 * The receiving end of advice by BeiDou short message (issue 16, "where there is no mast"): a
 * handheld terminal at a farm or a village extension post. Each $BDTXR its card receives is
 * decoded as farmer advice and shown in full on its screen, in the words a farmer acts on; what
 * does not decode (a corrupt or foreign message) is refused, never half shown.
 */
export interface FarmerScreen {
  fromCard: string;
  advice: FarmerAdvice;
  /** The screen's text, one entry a line. */
  lines: string[];
}

export interface FarmerTerminal {
  readonly cardId: string;
  /** Every advice received, oldest first. */
  readonly screens: readonly FarmerScreen[];
  /** What arrived but was not shown, and why. */
  readonly refused: readonly { fromCard: string; reason: string }[];
}

export interface FarmerTerminalOptions {
  network: ShortMessageNetwork;
  cardId: string;
  /** The cooperative's field names by their number (the number the message carries). */
  fieldNames: Readonly<Record<number, string>>;
}

export function createFarmerTerminal(options: FarmerTerminalOptions): FarmerTerminal {
  const screens: FarmerScreen[] = [];
  const refused: { fromCard: string; reason: string }[] = [];
  options.network.attach(options.cardId, (line) => {
    let fromCard = '';
    try {
      const message = parseTxr(line);
      fromCard = message.fromCard;
      const advice = decodeFarmerAdvice(message.payload);
      screens.push({ fromCard, advice, lines: renderAdvice(advice, options.fieldNames) });
    } catch (error) {
      refused.push({ fromCard, reason: error instanceof Error ? error.message : String(error) });
    }
  });
  return { cardId: options.cardId, screens, refused };
}

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC', // the date is already the cooperative's local day
});

const DECISIONS: Record<FarmerAdvice['decision'], string> = {
  irrigate: 'IRRIGATE',
  'wait-for-rain': 'WAIT FOR RAIN: do not irrigate',
  fertilise: 'FERTILISE',
  none: 'NOTHING TO DO',
  'insufficient-data': 'NO ADVICE: too little data',
};
const UNITS: Record<NonNullable<FarmerAdvice['supply']>['unit'], string> = {
  'pump-minutes': 'minutes of pumping',
  'system-minutes': 'minutes of the system',
  'canal-hours': 'hours of canal turn',
  'cans-20l': 'cans of 20 L',
  'bags-50kg': 'bags of 50 kg',
  'kg-product': 'kg',
};
// The labels on the bag (@shamba/agronomy's N_PRODUCTS names).
const PRODUCTS: Record<
  NonNullable<Extract<FarmerAdvice, { kind: 'nitrogen' }>['product']>,
  string
> = {
  urea: 'urea 46-0-0',
  can: 'CAN 27% N',
  nps: 'NPS 19-38-0+7S',
  dap: 'DAP 18-46-0',
  'npk-17-17-17': 'NPK 17-17-17',
  'npk-20-05-20': 'NPK 20-05-20',
};

/** The advice as the terminal's screen shows it: field, what to do, how much, by when, which version. */
export function renderAdvice(
  advice: FarmerAdvice,
  fieldNames: Readonly<Record<number, string>>,
): string[] {
  const name = fieldNames[advice.fieldNumber];
  const lines = [`Field ${advice.fieldNumber}${name === undefined ? '' : `: ${name}`}`];
  const acts = advice.decision === 'irrigate' || advice.decision === 'fertilise';
  const amount =
    advice.kind === 'irrigation'
      ? `${NUMBER.format(advice.amountMm)} mm of water`
      : `${NUMBER.format(advice.nKgHa)} kg N/ha`;
  lines.push(acts ? `${DECISIONS[advice.decision]} ${amount}` : DECISIONS[advice.decision]);
  if (acts && advice.supply !== null) {
    const product =
      advice.kind === 'nitrogen' && advice.product ? ` ${PRODUCTS[advice.product]}` : '';
    lines.push(`= ${NUMBER.format(advice.supply.amount)} ${UNITS[advice.supply.unit]}${product}`);
  } else if (acts && advice.kind === 'nitrogen' && advice.product)
    lines.push(`as ${PRODUCTS[advice.product]}`);
  if (acts && advice.dueDate !== null)
    lines.push(`by ${DATE.format(Date.parse(`${advice.dueDate}T00:00:00Z`))}`);
  const ref = advice.prescriptionRef.toString(16).toUpperCase().padStart(8, '0');
  lines.push(`Advice v${advice.revision} #${ref}`);
  return lines;
}
