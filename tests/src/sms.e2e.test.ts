import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutboxMessage } from '@shamba/schemas';
import { decodeGsm7, decodeUcs2 } from '@shamba/delivery';
import { createFakeSmsc, type FakeSmsc, type SmscSubmit } from '@shamba/delivery/testing';
import { OROMIA_DEMO } from '@shamba/world';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

const COOP = OROMIA_DEMO.coop.id;
const ANY_TIME = { start: '00:00', end: '00:00' }; // no quiet hours: the test runs at any hour

/** The text of a submit_sm, reassembled with its UDH stripped (TS 23.040 §9.2.3.24.1). */
function textOf(submit: SmscSubmit): string {
  let octets = submit.shortMessage;
  if ((submit.esmClass & 0x40) !== 0) octets = octets.subarray(octets[0]! + 1);
  return submit.dataCoding === 8 ? decodeUcs2(octets) : decodeGsm7(octets);
}

/** The messages the SMSC accepted (answered with an id), joined part by part. */
function accepted(smsc: FakeSmsc): { to: string; dataCoding: number; text: string }[] {
  const whole = new Map<string, { to: string; dataCoding: number; text: string }>();
  for (const s of smsc.submits.filter((x) => x.messageId !== null)) {
    const udh = (s.esmClass & 0x40) !== 0 ? s.shortMessage : undefined;
    const key =
      udh === undefined ? `single-${s.sequenceNumber}` : `${s.destinationAddr.addr}-${udh[3]}`;
    const part = whole.get(key);
    whole.set(key, {
      to: s.destinationAddr.addr,
      dataCoding: s.dataCoding,
      text: (part?.text ?? '') + textOf(s),
    });
  }
  return [...whole.values()];
}

async function startDemo(dataDir: string, smsc: FakeSmsc) {
  const child = spawnShamba(
    ['start', '--demo', '--data-dir', dataDir, '--mqtt-port', '0', '--api-port', '0'],
    { SHAMBA_SMS_GATEWAY: smsc.url(), SHAMBA_LOG_LEVEL: 'warn' },
  );
  const [, apiUrl] = await waitForOutput(child, /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/, 30_000);
  const credentials = JSON.parse(
    await readFile(join(dataDir, 'demo', 'credentials.json'), 'utf8'),
  ) as { tokens: Record<string, string> };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${credentials.tokens.manager}`,
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return response.json() as Promise<Record<string, unknown>>;
  };
  return { child, call };
}

const until = async (check: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

describe('prescriptions reach the demo farmers by SMS through an SMSC on loopback', () => {
  it(
    'in their languages, once each across a crash mid-send; receipts, STOP and DONE act',
    { timeout: 240_000 },
    async () => {
      using dir = tempDir();
      const smsc = await createFakeSmsc();
      try {
        let demo = await startDemo(dir.path, smsc);
        for (const farmer of OROMIA_DEMO.farmers) {
          await demo.call('PATCH', `/v1/coops/${COOP}/farmers/${farmer.id}`, {
            quietHours: ANY_TIME,
          });
        }
        // The first submit hangs (no submit_sm_resp); the box is killed while it waits.
        smsc.holdNext(1);
        await until(() => smsc.submits.length >= 1, 90_000);
        await demo.child[Symbol.asyncDispose]();
        const heldText = textOf(smsc.submits[0]!);

        demo = await startDemo(dir.path, smsc);
        await until(async () => {
          const { messages } = (await demo.call('GET', `/v1/coops/${COOP}/messages`)) as {
            messages: OutboxMessage[];
          };
          return (
            messages.length > 0 &&
            messages.every((m) => m.state === 'sent' || m.state === 'delivered')
          );
        }, 60_000);
        const { messages } = (await demo.call('GET', `/v1/coops/${COOP}/messages`)) as {
          messages: OutboxMessage[];
        };
        const sent = accepted(smsc);
        // Every message the outbox holds was accepted by the SMSC exactly once, the one cut off
        // mid-send included.
        expect(sent.map((s) => s.text).sort()).toEqual(messages.map((m) => m.text).sort());
        // (The held submit may be the first part of a long message: its text starts one.)
        expect(sent.filter((s) => s.text.startsWith(heldText))).toHaveLength(1);
        for (const m of messages) {
          const farmer = OROMIA_DEMO.farmers.find((f) => f.id === m.farmerId)!;
          expect(m.language, m.farmerId).toBe(farmer.language);
          const submit = sent.find((s) => s.text === m.text)!;
          expect(`+${submit.to}`).toBe(farmer.phone);
          // Amharic is UCS-2 (data_coding 8); Afaan Oromoo and English are GSM-7 (0).
          expect(submit.dataCoding, m.farmerId).toBe(farmer.language === 'am' ? 8 : 0);
        }

        // A receipt moves the message (and its prescription) to delivered.
        const first = messages.at(-1)!;
        // One receipt per part; the first part's id stands for the message here.
        await smsc.sendReceipt({ messageId: first.gatewayIds[0]!, stat: 'DELIVRD' });
        await until(async () => {
          const delivery = await demo.call(
            'GET',
            `/v1/fields/${first.fieldId}/prescriptions/${first.prescriptionId}/delivery`,
          );
          return delivery.status === 'delivered';
        }, 15_000);

        // Chaltu (Amharic, one field) replies DONE 25: it answers the newest advice she got for
        // the field (water, or fertiliser when that came later), which then reads applied.
        const chaltu = OROMIA_DEMO.farmers.find((f) => f.id === 'farmer-chaltu')!;
        const hers = messages.filter((m) => m.farmerId === chaltu.id);
        expect(hers.length).toBeGreaterThan(0);
        for (const m of hers) expect(m.encoding).toBe('UCS-2');
        await smsc.sendInbound({
          from: chaltu.phone.slice(1),
          dataCoding: 0,
          shortMessage: new TextEncoder().encode('done 25'),
        });
        await until(async () => {
          const statuses = await Promise.all(
            hers.map(async (m) => {
              const delivery = await demo.call(
                'GET',
                `/v1/fields/${m.fieldId}/prescriptions/${m.prescriptionId}/delivery`,
              );
              return delivery.status;
            }),
          );
          return statuses.filter((status) => status === 'applied').length === 1;
        }, 15_000);

        // STOP from Tolosa: opted out at once, confirmed, and recorded as the farmer's reply.
        const tolosa = OROMIA_DEMO.farmers.find((f) => f.id === 'farmer-tolosa')!;
        await smsc.sendInbound({
          from: tolosa.phone.slice(1),
          dataCoding: 0,
          shortMessage: new TextEncoder().encode('STOP'),
        });
        await until(async () => {
          const { farmer } = (await demo.call('GET', `/v1/coops/${COOP}/farmers/${tolosa.id}`)) as {
            farmer: { consent: { state: string } };
          };
          return farmer.consent.state === 'opted-out';
        }, 15_000);
        const { replies } = (await demo.call('GET', `/v1/coops/${COOP}/replies`)) as {
          replies: { command: string; farmerId: string }[];
        };
        expect(replies[0]).toMatchObject({ command: 'stop', farmerId: tolosa.id });
        await demo.child[Symbol.asyncDispose]();
      } finally {
        await smsc.close();
      }
    },
  );
});
