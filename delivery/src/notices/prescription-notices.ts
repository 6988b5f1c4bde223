import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Farmer, Field, OutboxMessage, Prescription } from '@shamba/schemas';
import { queuedNow } from '../outbox/new-message.js';
import type { Registry } from '@shamba/storage';
import { farmerContact } from '../farmers/contact.js';
import { isNews } from './material-change.js';

/** The message for one prescription, composed in the farmer's language. */
export interface ComposedNotice {
  text: string;
  language: string;
  encoding: OutboxMessage['encoding'];
  segments: number;
  payloadBase64?: string;
}

export type ComposeNotice = (input: {
  prescription: Prescription;
  field: Field;
  farmer: Farmer;
  channel: 'sms' | 'beidou';
}) => Promise<ComposedNotice>;

export interface PrescriptionNoticesOptions {
  registry: Registry;
  compose: ComposeNotice;
  logger: Logger;
  clock?: () => number;
  newId?: () => string;
}

export interface PrescriptionNotices {
  /** Queues the messages these prescriptions call for; those queued. */
  notice(prescriptions: readonly Prescription[]): Promise<OutboxMessage[]>;
}

/**
 * Turns new prescription versions into outbox rows: one per (prescription, farmer, channel),
 * only when the advice is news (see isNews). Quiet hours, the daily cap and the budget are the
 * dispatcher's: a row is written now and sent when its time comes.
 */
export function createPrescriptionNotices(
  options: PrescriptionNoticesOptions,
): PrescriptionNotices {
  const { registry, compose, logger } = options;
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;

  async function noticeOne(p: Prescription): Promise<OutboxMessage | undefined> {
    const field = await registry.fields.get(p.fieldId);
    if (field === undefined) return undefined;
    const farmer = await registry.farmers.get(field.farmerId);
    if (farmer === undefined) return undefined;
    const contact = farmerContact(farmer);
    // A farmer who has not opted in (or opted out) is never messaged, nor is a row written: the
    // farmer list shows the manager each farmer's consent.
    if (!contact.consented || contact.channel === 'none' || contact.address === null) {
      return undefined;
    }
    const target = { farmerId: farmer.id, fieldId: field.id, kind: p.kind };
    const last = await registry.messages.lastForField(target);
    const lastSent =
      last?.prescriptionId == null
        ? undefined
        : await registry.prescriptions.get(last.prescriptionId);
    if (!isNews(p, lastSent)) return undefined;
    const composed = await compose({ prescription: p, field, farmer, channel: contact.channel });
    const nowMs = clock();
    const message: OutboxMessage = {
      id: newId(),
      coopId: field.coopId,
      farmerId: farmer.id,
      channel: contact.channel,
      to: contact.address,
      purpose: 'prescription',
      fieldId: field.id,
      prescriptionId: p.id,
      prescriptionKind: p.kind,
      dedupeKey: `prescription:${p.id}:${farmer.id}:${contact.channel}`,
      ...composed,
      ...queuedNow(nowMs),
    };
    const queued = await registry.messages.enqueue(message);
    if (queued !== undefined) await holdSuperseded(queued);
    return queued;
  }

  /** Older advice for the field and kind still waiting (quiet hours, the cap) never goes out. */
  async function holdSuperseded(newest: OutboxMessage) {
    const waiting = await registry.messages.list({
      coopId: newest.coopId,
      farmerId: newest.farmerId,
      ...(newest.fieldId === null ? {} : { fieldId: newest.fieldId }),
    });
    for (const m of waiting) {
      if (m.id === newest.id || m.state !== 'queued') continue;
      if (m.purpose !== 'prescription' || m.prescriptionKind !== newest.prescriptionKind) continue;
      await registry.messages.update(m.id, {
        state: 'held',
        error: `superseded by a newer prescription (${newest.prescriptionId ?? ''})`,
      });
    }
  }

  return {
    async notice(prescriptions) {
      const queued: OutboxMessage[] = [];
      for (const p of prescriptions) {
        try {
          const message = await noticeOne(p);
          if (message !== undefined) queued.push(message);
        } catch (error) {
          // One field's failure (a missing farmer, a template error) never stops the others'.
          logger.error({ err: error, prescriptionId: p.id }, 'prescription notice failed');
        }
      }
      return queued;
    },
  };
}
