// deliver_sm from the SMSC: a delivery receipt or a farmer's message (SMPP v3.4 §4.6.1).
import type { DeliveryReceipt, InboundSms } from '../sms-gateway.js';
import { toE164 } from './address.js';
import { createReassembler } from './inbound.js';
import { parseReceipt } from './receipts.js';
import type { GatewayLogger } from './session.js';
import type { SmppPdu } from './smpp-lib.js';
import { DATA_CODING, ESM_CLASS, intField, textField } from './smpp-lib.js';

/** esm_class bits 5-2, the message type (SMPP v3.4 §5.2.12): 0000 a short message. */
const MESSAGE_TYPE_MASK = 0x3c;
const DECODABLE = new Set<number>(Object.values(DATA_CODING));

export function createDeliverHandler(options: {
  clock: () => number;
  logger: GatewayLogger;
  onReceipt(receipt: DeliveryReceipt): void;
  onInbound(sms: InboundSms): void;
}) {
  const { clock, logger } = options;
  const reassembler = createReassembler({
    clock,
    onLatin1Fallback: (part) =>
      logger.debug(part, 'SMPP inbound data_coding 0 is not GSM-7 (octet > 0x7F); read as Latin-1'),
  });

  function receipt(pdu: SmppPdu, shortMessage: Uint8Array): void {
    // The receipt text is ASCII (Appendix B), whatever data_coding says.
    const text = new TextDecoder('latin1').decode(shortMessage);
    const parsed = parseReceipt({
      text,
      receiptedMessageId: textField(pdu, 'receipted_message_id') || undefined,
      messageState: typeof pdu.message_state === 'number' ? pdu.message_state : undefined,
      receivedAt: new Date(clock()),
    });
    if (parsed) options.onReceipt(parsed);
    else logger.debug({ text }, 'SMPP receipt not final or without id; ignored');
  }

  function inbound(pdu: SmppPdu, shortMessage: Uint8Array): void {
    const dataCoding = intField(pdu, 'data_coding');
    if (!DECODABLE.has(dataCoding)) {
      logger.warn({ dataCoding }, 'SMPP inbound message in an unsupported data_coding; dropped');
      return;
    }
    const esmClass = intField(pdu, 'esm_class');
    const message = reassembler.accept({
      from: toE164({ ton: intField(pdu, 'source_addr_ton'), addr: textField(pdu, 'source_addr') }),
      to: toE164({ ton: intField(pdu, 'dest_addr_ton'), addr: textField(pdu, 'destination_addr') }),
      dataCoding,
      hasUdh: (esmClass & ESM_CLASS.UDH_INDICATOR) !== 0,
      shortMessage,
    });
    if (message) options.onInbound({ ...message, receivedAt: new Date(clock()) });
  }

  return (pdu: SmppPdu, shortMessage: Uint8Array): void => {
    const messageType = intField(pdu, 'esm_class') & MESSAGE_TYPE_MASK;
    if (messageType === ESM_CLASS.DELIVERY_RECEIPT) return receipt(pdu, shortMessage);
    if (messageType === 0) return inbound(pdu, shortMessage);
    // SME acknowledgements and intermediate notifications: nothing for the farmer or the outbox.
    logger.debug({ messageType }, 'SMPP deliver_sm of another message type ignored');
  };
}
