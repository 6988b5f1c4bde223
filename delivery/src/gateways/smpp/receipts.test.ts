import { describe, expect, it } from 'vitest';
import { parseReceipt, receiptFields } from './receipts.js';

const receivedAt = new Date('2026-12-03T12:30:00Z');
const text = (stat: string, err = '000') =>
  `id:0A1B2C sub:001 dlvrd:000 submit date:2612031200 done date:261203120145 stat:${stat} err:${err} text:Mwagilia shamba`;

describe('delivery receipts (SMPP v3.4 Appendix B)', () => {
  it('splits the text into its fields, including the two-word date names', () => {
    expect(receiptFields(text('DELIVRD'))).toEqual({
      id: '0A1B2C',
      sub: '001',
      dlvrd: '000',
      'submit date': '2612031200',
      'done date': '261203120145',
      stat: 'DELIVRD',
      err: '000',
    });
  });

  it.each([
    ['DELIVRD', 'delivered'],
    ['UNDELIV', 'failed'],
    ['REJECTD', 'failed'],
    ['EXPIRED', 'failed'],
    ['DELETED', 'failed'],
  ])('maps stat:%s to %s', (stat, state) => {
    expect(parseReceipt({ text: text(stat, '0B'), receivedAt })).toEqual({
      gatewayMessageId: '0A1B2C',
      state,
      at: new Date('2026-12-03T12:01:45Z'),
      ...(state === 'failed' ? { detail: `stat:${stat} err:0B` } : {}),
    });
  });

  it('ignores states that are not final', () => {
    expect(parseReceipt({ text: text('ENROUTE'), receivedAt })).toBeNull();
    expect(parseReceipt({ text: text('ACCEPTD'), receivedAt })).toBeNull();
    expect(parseReceipt({ text: 'no receipt here', receivedAt })).toBeNull();
  });

  it('prefers the receipted_message_id and message_state TLVs over the text', () => {
    const receipt = parseReceipt({
      text: text('DELIVRD'),
      receiptedMessageId: 'smsc-42',
      messageState: 8, // REJECTED (SMPP v3.4 §5.2.28)
      receivedAt,
    });
    expect(receipt).toMatchObject({ gatewayMessageId: 'smsc-42', state: 'failed' });
    expect(receipt?.detail).toBe('stat:REJECTD err:000');
  });

  it('falls back to the time it was received when the done date is missing or invalid', () => {
    const receipt = parseReceipt({ text: 'id:7 done date:2613991200 stat:DELIVRD', receivedAt });
    expect(receipt).toEqual({ gatewayMessageId: '7', state: 'delivered', at: receivedAt });
  });
});
