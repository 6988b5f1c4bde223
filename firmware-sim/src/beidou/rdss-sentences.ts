import { nmeaFrame, parseNmea } from '@shamba/schemas';

/**
 * The serial sentences of a BeiDou RDSS short-message terminal ("BDS user terminal interface",
 * protocol 4.0 family), as far as a data logger uses them:
 *   $CCTXA,<to card>,<category 1 normal>,<encoding 1 = code (hex)>,<content>*hh   host -> terminal
 *   $BDFKI,TXA,<done Y/N>,<rate ok Y/N>,<suppressed 0-3>,<wait s>*hh              terminal -> host
 *   $BDTXR,<category 1>,<from card>,<encoding 1>,<time (empty)>,<content>*hh       terminal -> host
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
  return nmeaFrame(
    [
      'CCTXA',
      command.toCard,
      '1',
      CODE,
      Buffer.from(command.payload).toString('hex').toUpperCase(),
    ].join(','),
  );
}

export function formatFki(feedback: FkiFeedback): string {
  return nmeaFrame(
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
  return nmeaFrame(
    [
      'BDTXR',
      '1',
      message.fromCard,
      CODE,
      '',
      Buffer.from(message.payload).toString('hex').toUpperCase(),
    ].join(','),
  );
}

function fieldsOf(line: string, address: string): string[] {
  const parsed = parseNmea(line);
  if (!parsed.ok) throw new Error(`${address}: ${parsed.error}`);
  if (parsed.sentence.type !== 'other' || parsed.sentence.address !== address)
    throw new Error(`not a ${address} sentence`);
  return parsed.sentence.fields;
}

function hex(content: string | undefined): Uint8Array {
  if (content === undefined || !/^([0-9A-Fa-f]{2})*$/.test(content))
    throw new Error('content is not hexadecimal');
  return Uint8Array.from(Buffer.from(content, 'hex'));
}

export function parseTxa(line: string): TxaCommand {
  const [toCard, , encoding, content] = fieldsOf(line, 'CCTXA');
  if (encoding !== CODE) throw new Error('only code (hex) content is supported');
  return { toCard: toCard ?? '', payload: hex(content) };
}

export function parseFki(line: string): FkiFeedback {
  const [name, done, rateOk, , wait] = fieldsOf(line, 'BDFKI');
  if (name !== 'TXA') throw new Error(`feedback for ${name}, not TXA`);
  return { done: done === 'Y', rateOk: rateOk === 'Y', waitS: Number(wait ?? 0) };
}

export function parseTxr(line: string): TxrMessage {
  const [, fromCard, encoding, , content] = fieldsOf(line, 'BDTXR');
  if (encoding !== CODE) throw new Error('only code (hex) content is supported');
  return { fromCard: fromCard ?? '', payload: hex(content) };
}
