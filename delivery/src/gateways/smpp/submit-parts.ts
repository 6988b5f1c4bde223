// The submit_sm bodies for one message: data_coding, esm_class and raw short_message octets,
// one per part, with a concatenation UDH when the text needs more than one segment. Pure.
import { encodeGsm7, encodeUcs2, splitSms } from '../../sms/index.js';
import { DATA_CODING, ESM_CLASS } from './smpp-lib.js';

export interface SubmitPart {
  /** SMPP v3.4 §5.2.19: 0 SMSC default alphabet (GSM 03.38 here), 8 UCS-2. */
  dataCoding: number;
  esmClass: number;
  /** Exactly the octets of short_message (UDH included), so the library does not re-encode. */
  shortMessage: Uint8Array;
}

/** IEI 0x00, concatenated short messages with an 8-bit reference (TS 23.040 §9.2.3.24.1). */
const IEI_CONCAT_8BIT = 0x00;
/** UDHL, IEI, IEDL, reference, total, sequence: 6 octets (TS 23.040 §9.2.3.24.1). */
const UDH_CONCAT_OCTETS = 6;

export function submitParts(text: string, reference: number): SubmitPart[] {
  const { encoding, parts } = splitSms(text);
  const dataCoding = encoding === 'GSM-7' ? DATA_CODING.GSM7 : DATA_CODING.UCS2;
  const encode = encoding === 'GSM-7' ? encodeGsm7 : encodeUcs2;
  if (parts.length === 1) {
    return [{ dataCoding, esmClass: 0, shortMessage: encode(parts[0] ?? '') }];
  }
  return parts.map((part, index) => ({
    dataCoding,
    // esm_class bit 6: UDHI, the short_message starts with a UDH (SMPP v3.4 §5.2.12).
    esmClass: ESM_CLASS.UDH_INDICATOR,
    shortMessage: withUdh(
      concatenationUdh({ reference, total: parts.length, sequence: index + 1 }),
      encode(part),
    ),
  }));
}

export function concatenationUdh(header: {
  reference: number;
  total: number;
  sequence: number;
}): Uint8Array {
  return Uint8Array.of(
    UDH_CONCAT_OCTETS - 1, // UDHL counts the octets after itself
    IEI_CONCAT_8BIT,
    3, // IEDL
    header.reference & 0xff,
    header.total,
    header.sequence,
  );
}

function withUdh(udh: Uint8Array, body: Uint8Array): Uint8Array {
  const octets = new Uint8Array(udh.length + body.length);
  octets.set(udh, 0);
  octets.set(body, udh.length);
  return octets;
}

export type SubmitOutcome = 'accepted' | 'throttled' | 'refused';

/**
 * ESME_RTHROTTLED and ESME_RMSGQFUL say "not now" (SMPP v3.4 §5.1.3): the SMSC refused the
 * PDU, so sending it again is safe. Every other non-zero status is a refusal of the message.
 */
export function classifyStatus(commandStatus: number): SubmitOutcome {
  if (commandStatus === 0x00) return 'accepted';
  if (commandStatus === 0x58 || commandStatus === 0x14) return 'throttled';
  return 'refused';
}
