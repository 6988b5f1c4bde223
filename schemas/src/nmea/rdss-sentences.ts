import { ShambaError } from '../errors/shamba-error.js';
import { parseNmea } from './parse.js';
import { frame } from './sentence.js';

/**
 * The serial sentences of a BeiDou RDSS short-message terminal ("BDS user terminal interface",
 * protocol 4.0 family), as far as a data logger and the cooperative's office terminal use them:
 *   $CCTXA,<to card>,<category 1 normal>,<encoding 1 = code (hex)>,<content>*hh   host -> terminal
 *   $BDFKI,TXA,<done Y/N>,<rate ok Y/N>,<suppressed 0-3>,<wait s>*hh              terminal -> host
 *   $BDTXR,<category 1>,<from card>,<encoding 1>,<time (empty)>,<content>*hh       terminal -> host
 * A pure codec (no Buffer): the hex is done here, so the same code runs wherever schemas does.
 */
export interface TxaCommand {
  toCard: string;
  payload: Uint8Array;
}

export interface FkiFeedback {
  done: boolean;
  rateOk: boolean;
  /** Seconds to wait before the card may send again. */
  waitS: number;
}

export interface TxrMessage {
  fromCard: string;
  payload: Uint8Array;
}

const CODE = '1'; // transmission mode "code": content as hexadecimal

export function formatTxa(command: TxaCommand): string {
  return frame(['CCTXA', command.toCard, '1', CODE, toHex(command.payload)].join(','));
}

export function formatFki(feedback: FkiFeedback): string {
  return frame(
    [
      'BDFKI',
      'TXA',
      feedback.done ? 'Y' : 'N',
      feedback.rateOk ? 'Y' : 'N',
      '0',
      String(Math.ceil(feedback.waitS)),
    ].join(','),
  );
}

export function formatTxr(message: TxrMessage): string {
  return frame(['BDTXR', '1', message.fromCard, CODE, '', toHex(message.payload)].join(','));
}

export function parseTxa(line: string): TxaCommand {
  const [toCard, , encoding, content] = fieldsOf(line, 'CCTXA');
  if (encoding !== CODE) throw invalid('CCTXA', 'only code (hex) content is supported');
  return { toCard: toCard ?? '', payload: fromHex(content, 'CCTXA') };
}

export function parseFki(line: string): FkiFeedback {
  const [name, done, rateOk, , wait] = fieldsOf(line, 'BDFKI');
  if (name !== 'TXA') throw invalid('BDFKI', `feedback for ${name}, not TXA`);
  const waitS = Number(wait === undefined || wait === '' ? 0 : wait);
  if (!Number.isFinite(waitS) || waitS < 0) throw invalid('BDFKI', `wait "${wait}" is not seconds`);
  return { done: done === 'Y', rateOk: rateOk === 'Y', waitS };
}

export function parseTxr(line: string): TxrMessage {
  const [, fromCard, encoding, , content] = fieldsOf(line, 'BDTXR');
  if (encoding !== CODE) throw invalid('BDTXR', 'only code (hex) content is supported');
  return { fromCard: fromCard ?? '', payload: fromHex(content, 'BDTXR') };
}

const invalid = (address: string, message: string) =>
  new ShambaError('INVALID_PAYLOAD', `${address}: ${message}`);

function fieldsOf(line: string, address: string): string[] {
  const parsed = parseNmea(line);
  if (!parsed.ok) throw invalid(address, parsed.error);
  if (parsed.sentence.type !== 'other' || parsed.sentence.address !== address)
    throw invalid(address, `not a ${address} sentence`);
  return parsed.sentence.fields;
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).toUpperCase().padStart(2, '0');
  return hex;
}

function fromHex(content: string | undefined, address: string): Uint8Array {
  if (content === undefined || !/^(?:[0-9A-Fa-f]{2})*$/.test(content))
    throw invalid(address, 'content is not hexadecimal');
  const bytes = new Uint8Array(content.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(content.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
