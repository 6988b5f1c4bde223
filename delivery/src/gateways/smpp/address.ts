// SMPP addresses: type of number and numbering plan for senders and recipients. Pure.

export interface SmppAddress {
  /** SMPP v3.4 §5.2.5: 0 unknown, 1 international, 3 network specific, 5 alphanumeric. */
  ton: number;
  /** SMPP v3.4 §5.2.6: 0 unknown, 1 ISDN (E.163/E.164). */
  npi: number;
  addr: string;
}

const TON = { UNKNOWN: 0, INTERNATIONAL: 1, NETWORK_SPECIFIC: 3, ALPHANUMERIC: 5 } as const;
const NPI = { UNKNOWN: 0, ISDN: 1 } as const;

/** ITU-T E.164 §6: a country code and national number of at most 15 digits in all. */
const E164 = /^\+([1-9]\d{6,14})$/;
/** Operator short codes (e.g. 20880 in Kenya) are a few digits, dialled inside one network. */
const SHORT_CODE = /^\d{3,8}$/;
/** TS 23.040 §9.1.2.5: an alphanumeric originator is at most 11 GSM-7 characters. */
const ALPHANUMERIC = /^[A-Za-z0-9 .\-_&]{1,11}$/;

export class SmppAddressError extends Error {
  override readonly name = 'SmppAddressError';
}

/** The recipient: E.164 with `+`, sent as TON 1 NPI 1 without the `+` (SMPP v3.4 §5.2.5). */
export function destinationAddress(e164: string): SmppAddress {
  const match = E164.exec(e164);
  if (!match?.[1]) throw new SmppAddressError(`destination ${e164} is not an E.164 number`);
  return { ton: TON.INTERNATIONAL, npi: NPI.ISDN, addr: match[1] };
}

/** The cooperative's sender id: an E.164 number, a short code or an alphanumeric name. */
export function sourceAddress(senderId: string): SmppAddress {
  const international = E164.exec(senderId);
  if (international?.[1]) return { ton: TON.INTERNATIONAL, npi: NPI.ISDN, addr: international[1] };
  if (SHORT_CODE.test(senderId)) {
    return { ton: TON.NETWORK_SPECIFIC, npi: NPI.UNKNOWN, addr: senderId };
  }
  if (ALPHANUMERIC.test(senderId)) {
    return { ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN, addr: senderId };
  }
  throw new SmppAddressError(
    `sender id ${JSON.stringify(senderId)} is neither E.164 (+...), a short code nor 1-11 letters/digits`,
  );
}

/**
 * Digits taken for an international number without its `+`: 10-15 digits (ITU-T E.164 §6 caps a
 * number at 15) and no leading 0 (a national trunk prefix). A guess: a national significant
 * number sent without its trunk 0 and of 10+ digits (Brazil's 11-digit mobiles, Indonesia's
 * 10-12) would be misread, so an SMSC known to do that must send TON 2 (national).
 */
const BARE_INTERNATIONAL = /^[1-9]\d{9,14}$/;

/**
 * An address the SMSC hands us, as E.164 when it says or looks international: TON 1, or
 * TON 0 (unknown, SMPP v3.4 §5.2.5) with 10-15 digits and no leading 0, as many SMSCs send
 * international numbers. A national number (`0712345678`, leading trunk 0) stays as sent: its
 * country is the SMSC's, which we cannot know here, so no `+` is guessed.
 */
export function toE164(address: { ton: number; addr: string }): string {
  if (address.addr.startsWith('+')) return address.addr;
  if (address.ton === TON.INTERNATIONAL) return `+${address.addr}`;
  if (address.ton === TON.UNKNOWN && BARE_INTERNATIONAL.test(address.addr)) {
    return `+${address.addr}`;
  }
  return address.addr;
}
