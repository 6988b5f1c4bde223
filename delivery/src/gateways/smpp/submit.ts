// submit_sm for one part (SMPP v3.4 §4.4.1), retried with backoff while the SMSC throttles.
import { setTimeout as sleep } from 'node:timers/promises';
import { SmsSendError } from '../sms-gateway.js';
import type { SmppAddress } from './address.js';
import type { SmppLink } from './link.js';
import type { SubmitPart } from './submit-parts.js';
import { textField } from './smpp-lib.js';
import { classifyStatus } from './submit-parts.js';
import type { RequestWindow } from './window.js';

export interface PartSubmit {
  part: SubmitPart;
  source: SmppAddress;
  destination: SmppAddress;
  throttle: { attempts: number; initialMs: number; maxMs: number };
}

export function submitSmFields(submit: PartSubmit): Record<string, unknown> {
  const { part, source, destination } = submit;
  return {
    service_type: '', // the SMSC default service (§5.2.11)
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    source_addr: source.addr,
    dest_addr_ton: destination.ton,
    dest_addr_npi: destination.npi,
    destination_addr: destination.addr,
    esm_class: part.esmClass,
    protocol_id: 0,
    priority_flag: 0,
    registered_delivery: 1, // a receipt on final success or failure (§5.2.17)
    replace_if_present_flag: 0,
    data_coding: part.dataCoding,
    // A Buffer passes through the library's message filter untouched: no re-encoding, no UDH
    // handling of its own (smpp 0.5.1 lib/defs.js filters.message.encode).
    short_message: Buffer.from(part.shortMessage),
  };
}

/** The SMSC's message_id for this part; throws SmsSendError when it is refused or unknown. */
export async function submitWithRetry(
  link: SmppLink,
  window: RequestWindow,
  submit: PartSubmit,
): Promise<string> {
  const { attempts, initialMs, maxMs } = submit.throttle;
  let delayMs = initialMs;
  for (let attempt = 1; ; attempt += 1) {
    const response = await window.run(() => link.request('submit_sm', submitSmFields(submit)));
    const status = response.command_status;
    const hex = `0x${status.toString(16).padStart(2, '0')}`;
    switch (classifyStatus(status)) {
      case 'accepted':
        return textField(response, 'message_id');
      case 'refused':
        throw new SmsSendError(`SMSC refused submit_sm: command_status ${hex}`, false);
      case 'throttled':
        // The SMSC refused this PDU, so sending it again cannot duplicate the message.
        if (attempt >= attempts) {
          throw new SmsSendError(
            `SMSC still throttling after ${attempts} attempts: command_status ${hex}`,
            true,
          );
        }
        await sleep(delayMs);
        delayMs = Math.min(delayMs * 2, maxMs);
    }
  }
}
