import { describe, expect, it } from 'vitest';
import {
  encodeCompact,
  encodeFarmerAdvice,
  formatTxa,
  parseFki,
  prescriptionRef,
  type FarmerAdvice,
} from '@shamba/schemas';
import { createFarmerTerminal } from './farmer-terminal.js';
import { createShortMessageNetwork, createTerminal } from './terminal.js';

const T = Date.UTC(2026, 11, 3, 6);
const COOP_CARD = '0400001';
const FARM_CARD = '0455501';
const FIELD_NAMES = { 3: 'Upper maize', 12: 'Mama Amina beans' };

const IRRIGATE: FarmerAdvice = {
  kind: 'irrigation',
  decision: 'irrigate',
  fieldNumber: 3,
  amountMm: 25,
  supply: { amount: 42.5, unit: 'pump-minutes' },
  dueDate: '2026-12-04',
  revision: 7,
  prescriptionRef: 0x1a2b3c4d,
};
const FERTILISE: FarmerAdvice = {
  kind: 'nitrogen',
  decision: 'fertilise',
  fieldNumber: 12,
  nKgHa: 36.4,
  product: 'urea',
  supply: { amount: 1.6, unit: 'bags-50kg' },
  dueDate: null,
  revision: 2,
  prescriptionRef: prescriptionRef('rx-12-n-2'),
};

/** The cooperative office's terminal and a farm's, on one simulated BeiDou network. */
function link() {
  const network = createShortMessageNetwork();
  const farm = createFarmerTerminal({ network, cardId: FARM_CARD, fieldNames: FIELD_NAMES });
  const office = createTerminal({ cardId: COOP_CARD, network });
  const send = (advice: FarmerAdvice, atMs: number) =>
    parseFki(
      office.write(formatTxa({ toCard: FARM_CARD, payload: encodeFarmerAdvice(advice) }), atMs),
    );
  return { network, farm, send };
}
const delivered = () => new Promise((resolve) => setTimeout(resolve, 0)); // over the air: async

describe('farmer terminal', () => {
  it('shows advice sent from the cooperative card in full', async () => {
    const { farm, send } = link();
    expect(send(IRRIGATE, T)).toMatchObject({ done: true });
    expect(farm.screens).toEqual([]); // not before the network delivers it
    await delivered();
    expect(farm.screens).toEqual([
      {
        fromCard: COOP_CARD,
        advice: IRRIGATE,
        lines: [
          'Field 3: Upper maize',
          'IRRIGATE 25 mm of water',
          '= 42.5 minutes of pumping',
          'by Fri, 4 Dec 2026',
          'Advice v7 #1A2B3C4D',
        ],
      },
    ]);
    // The card's service interval holds for the cooperative too: the next one a minute later.
    expect(send(FERTILISE, T + 1000)).toMatchObject({ done: false, rateOk: false });
    expect(send(FERTILISE, T + 60_000)).toMatchObject({ done: true });
    await delivered();
    expect(farm.screens.map((s) => s.lines)).toEqual([
      expect.any(Array),
      [
        'Field 12: Mama Amina beans',
        'FERTILISE 36.4 kg N/ha',
        '= 1.6 bags of 50 kg urea 46-0-0',
        `Advice v2 #${prescriptionRef('rx-12-n-2').toString(16).toUpperCase().padStart(8, '0')}`,
      ],
    ]);
    expect(farm.refused).toEqual([]);
  });

  it('shows what needs no action briefly, and a field it has no name for by number', async () => {
    const { farm, send } = link();
    send({ ...IRRIGATE, fieldNumber: 9, decision: 'wait-for-rain', amountMm: 0, supply: null }, T);
    await delivered();
    expect(farm.screens[0]?.lines).toEqual([
      'Field 9',
      'WAIT FOR RAIN: do not irrigate',
      'Advice v7 #1A2B3C4D',
    ]);
  });

  it('refuses corrupt and foreign messages instead of showing them', async () => {
    const { network, farm } = link();
    const corrupt = encodeFarmerAdvice(IRRIGATE);
    corrupt[4]! ^= 0x01; // 25 mm would read 50.6 mm without the CRC
    network.deliver(COOP_CARD, FARM_CARD, corrupt);
    const reading = encodeCompact([
      { deviceId: 'p', stream: 'soil', timeMs: T, seq: 1, values: { vwc10: 0.2 } },
    ]);
    network.deliver('0412345', FARM_CARD, reading);
    await delivered();
    expect(farm.screens).toEqual([]);
    expect(farm.refused.map((r) => r.fromCard)).toEqual([COOP_CARD, '0412345']);
    expect(farm.refused[0]?.reason).toMatch(
      /^farmer advice: corrupt: CRC 0x[0-9A-F]{4}, computed 0x[0-9A-F]{4}$/,
    );
    expect(farm.refused[1]?.reason).toBe('farmer advice: not farmer advice (header 0x10)');
  });
});
