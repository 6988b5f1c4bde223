import type { Registry } from '@shamba/storage';
import { farmerFields } from '../farmers/farmer-fields.js';
import { composeMessage, messageFacts } from '../messages/index.js';
import { countSms } from '../sms/index.js';
import type { ComposeNotice } from './prescription-notices.js';

/**
 * The SMS a prescription becomes: its facts in the farmer's language, in the longest form that
 * fits two segments, counted for the bill. The field's number is shown when the farmer has
 * several, so a reply can name it (`DONE 2 25`).
 */
export function composeSmsNotice(
  registry: Registry,
  clock: () => number = Date.now,
): ComposeNotice {
  return async ({ prescription, field, farmer }) => {
    const coop = await registry.coops.get(field.coopId);
    const facts = messageFacts(prescription, field, {
      ...(coop === undefined ? {} : { timeZone: coop.timezone }),
      nowMs: clock(),
    });
    const siblings = await farmerFields(registry, farmer.id);
    const number =
      siblings.length > 1 ? siblings.findIndex((f) => f.id === field.id) + 1 : undefined;
    const composed = composeMessage({
      facts,
      language: farmer.language,
      ...(number === undefined ? {} : { fieldNumber: number }),
    });
    const count = countSms(composed.text);
    return {
      text: count.text,
      language: composed.language,
      encoding: count.encoding,
      segments: count.segments,
    };
  };
}
