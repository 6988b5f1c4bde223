// What the fake SMSC (smsc.ts) records and what tests ask it to send.

export interface SmscBind {
  command: string;
  systemId: string;
  password: string;
  interfaceVersion: number;
  accepted: boolean;
}

export type SmscAddress = { ton: number; npi: number; addr: string };

export interface SmscSubmit {
  sequenceNumber: number;
  sourceAddr: SmscAddress;
  destinationAddr: SmscAddress;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  /** The octets on the wire, UDH included. */
  shortMessage: Uint8Array;
  /** What the SMSC answered: a status, or null while held (no submit_sm_resp). */
  commandStatus: number | null;
  messageId: string | null;
}

export interface SmscInbound {
  from: string;
  /** TON of `from` (SMPP v3.4 §5.2.5); 1 (international) by default. */
  fromTon?: number;
  to?: string;
  dataCoding: number;
  shortMessage: Uint8Array;
  esmClass?: number;
}

export interface SmscReceipt {
  messageId: string;
  stat: string;
  err?: string;
  /** Also send the receipted_message_id and message_state TLVs (SMPP v3.4 §5.3.2.12, §5.3.2.35). */
  messageState?: number;
  /** The text's `id:`; defaults to messageId. Some SMSCs put a different form there. */
  textId?: string;
}
