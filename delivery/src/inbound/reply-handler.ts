import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Farmer, Field, InboundMessage, OutboxMessage } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { farmerFields } from '../farmers/farmer-fields.js';
import { queuedNow } from '../outbox/new-message.js';
import type { InboundSms } from '../gateways/sms-gateway.js';
import { REPLY_KEYWORDS, systemMessage, type SystemMessageKey } from '../messages/index.js';
import { parseReply, type ParsedReply } from '../replies/index.js';
import { countSms } from '../sms/index.js';
import { createAnswerThrottle } from './answer-throttle.js';
import { recordObservation } from './observations.js';

const DAY_MS = 86_400_000;

export interface ReplyHandlerOptions {
  registry: Registry;
  store: TimeSeriesStore;
  logger: Logger;
  clock?: () => number;
  newId?: () => string;
  /** Makes a field's prescriptions again (the prescription service) after a DONE. */
  recompute?: (fieldId: string, reason: string) => Promise<unknown>;
  /** Sends an answer to a number no cooperative knows (no farmer: no outbox row). */
  answerUnknown?: (to: string, text: string) => Promise<void>;
}

export interface ReplyHandler {
  /** Reads one message a farmer sent, acts on it and queues the answer; what was kept. */
  handle(sms: InboundSms): Promise<InboundMessage>;
}

interface Sender {
  farmers: Farmer[];
  fields: Field[];
  language: string;
}

/**
 * Farmers' replies: DONE enters the water balance as an irrigation at the reply's time, RAIN a
 * rain observation, STOP / START the consent, LANG the language; every reply is kept with what
 * came of it. A reply that cannot be read gets one polite answer a day, never a loop.
 */
export function createReplyHandler(options: ReplyHandlerOptions): ReplyHandler {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  // "Not understood": once a number a day. Any answer: five a number a day (HELP sent a hundred
  // times, or an auto-responder, costs five). Unknown numbers: once a number and twenty in all a
  // day, so spoofed senders cannot make the cooperative pay for messages to anyone.
  const notUnderstood = createAnswerThrottle({ windowMs: DAY_MS, maxKeys: 10_000 });
  const answers = createAnswerThrottle({ windowMs: DAY_MS, maxKeys: 10_000, maxPerWindow: 5 });
  const unknownOnce = createAnswerThrottle({ windowMs: DAY_MS, maxKeys: 10_000 });
  const unknownAll = createAnswerThrottle({ windowMs: DAY_MS, maxKeys: 1, maxPerWindow: 20 });
  // A recompute that fails is logged; the farmer's report is kept and answered all the same.
  const recompute = async (fieldId: string, reason: string) => {
    await options.recompute?.(fieldId, reason).catch((error: unknown) => {
      logger.warn({ err: error, fieldId }, 'recompute after a farmer report failed');
    });
  };

  async function answer(sender: Sender, inbound: InboundMessage, text: string) {
    const farmer = sender.farmers[0]!;
    const count = countSms(text);
    const nowMs = clock();
    const message: OutboxMessage = {
      id: newId(),
      coopId: farmer.coopId,
      farmerId: farmer.id,
      channel: 'sms',
      to: inbound.from,
      purpose: 'reply',
      fieldId: null,
      prescriptionId: null,
      prescriptionKind: null,
      dedupeKey: `reply:${inbound.id}`,
      text: count.text,
      language: sender.language,
      encoding: count.encoding,
      segments: count.segments,
      ...queuedNow(nowMs),
    };
    await registry.messages.enqueue(message);
  }

  /** A reply acknowledges the newest prescription message the farmer was sent. */
  async function acknowledge(farmer: Farmer, atMs: number) {
    const recent = await registry.messages.list({
      coopId: farmer.coopId,
      farmerId: farmer.id,
      limit: 10,
    });
    const last = recent.find(
      (m) => m.purpose === 'prescription' && (m.state === 'sent' || m.state === 'delivered'),
    );
    if (last !== undefined && last.acknowledgedMs == null) {
      await registry.messages.update(last.id, { acknowledgedMs: atMs });
    }
  }

  async function setConsent(sender: Sender, state: 'opted-in' | 'opted-out', command: string) {
    const at = new Date(clock()).toISOString();
    for (const farmer of sender.farmers) {
      await registry.farmers.upsert({
        ...farmer,
        consent: { state, at, source: `sms:${command}` },
      });
    }
  }

  async function act(sender: Sender, parsed: ParsedReply, sms: InboundSms) {
    const say = (key: SystemMessageKey, values?: Record<string, string | number>) =>
      systemMessage({ key, language: sender.language, ...(values ? { values } : {}) }).text;
    switch (parsed.kind) {
      case 'stop':
        await setConsent(sender, 'opted-out', 'STOP');
        return { outcome: 'opted out: no more messages', text: say('stopped') };
      case 'start':
        await setConsent(sender, 'opted-in', 'START');
        return { outcome: 'opted in', text: say('started') };
      case 'lang': {
        for (const farmer of sender.farmers) {
          await registry.farmers.upsert({ ...farmer, language: parsed.language });
        }
        sender.language = parsed.language;
        return { outcome: `language set to ${parsed.language}`, text: say('language-changed') };
      }
      case 'help':
        return { outcome: 'help sent', text: say('help') };
      case 'done':
      case 'rain': {
        const observed = await recordObservation(
          { registry, store: options.store, clock, recompute },
          { sender, parsed, sms },
        );
        if (observed.kind === 'unclear') return { outcome: observed.outcome, unclear: true };
        return { outcome: observed.outcome, text: say(observed.answer, observed.values) };
      }
      case 'unclear':
      case 'unknown':
        return {
          outcome:
            parsed.kind === 'unclear' ? `not understood: ${parsed.detail}` : 'not understood',
          unclear: true,
        };
    }
  }

  return {
    async handle(sms) {
      const receivedMs = sms.receivedAt.getTime();
      const farmers = await registry.farmers.byPhone(sms.from);
      // A provider's id makes a retried callback the same message (acted on once); else ours.
      const id =
        sms.providerMessageId === undefined
          ? newId()
          : `${sms.from}:${sms.providerMessageId}`.slice(0, 200);
      const base = { id, from: sms.from, text: sms.text.slice(0, 1000), receivedMs };
      if (farmers.length === 0) {
        const inbound = { ...base, coopId: null, farmerId: null, command: 'unknown-number' };
        const answered =
          options.answerUnknown !== undefined &&
          unknownOnce.allow(sms.from, clock()) &&
          unknownAll.allow('all', clock());
        if (answered) {
          const { text } = systemMessage({ key: 'unknown-number', language: 'en' });
          await options.answerUnknown!(sms.from, text).catch((error: unknown) =>
            logger.warn({ err: error }, 'answer to an unknown number failed'),
          );
        }
        const kept = {
          ...inbound,
          outcome: answered ? 'unknown number: answered' : 'unknown number',
        };
        logger.info({ inboundId: kept.id }, 'message from a number no cooperative knows');
        return kept;
      }
      // One cooperative's farmers only (a number is registered with one cooperative).
      const farmer = farmers[0]!;
      const own = farmers.filter((f) => f.coopId === farmer.coopId);
      // Kept before anything is done with it: a failure below loses no STOP.
      const received: InboundMessage = {
        ...base,
        coopId: farmer.coopId,
        farmerId: farmer.id,
        command: 'received',
        outcome: 'received; not acted on yet',
      };
      if (!(await registry.inbound.add(received))) {
        logger.info({ inboundId: id }, 'a message already received came again: not acted on twice');
        return received;
      }
      const fields = (await Promise.all(own.map((f) => farmerFields(registry, f.id)))).flat();
      const sender: Sender = { farmers: own, fields, language: farmer.language };
      const parsed = parseReply(sms.text, {
        keywords: REPLY_KEYWORDS,
        fields: fields.map((f, i) => ({ id: f.id, name: f.name, number: i + 1 })),
      });
      const result = await act(sender, parsed, sms);
      if (parsed.kind !== 'unknown') await acknowledge(farmer, clock());
      const inbound: InboundMessage = {
        ...received,
        command: parsed.kind,
        outcome: result.outcome,
      };
      await registry.inbound.settle(id, { command: inbound.command, outcome: inbound.outcome });
      const nowMs = clock();
      const text =
        'text' in result && result.text !== undefined
          ? result.text
          : notUnderstood.allow(sms.from, nowMs)
            ? systemMessage({ key: 'not-understood', language: sender.language }).text
            : undefined;
      if (text !== undefined && answers.allow(sms.from, nowMs)) await answer(sender, inbound, text);
      return inbound;
    },
  };
}
