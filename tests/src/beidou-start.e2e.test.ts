import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createFarmerTerminal,
  createShortMessageNetwork,
  createTerminal,
  serveTerminal,
} from '@shamba/firmware-sim';
import type { OutboxMessage } from '@shamba/schemas';
import { OROMIA_DEMO } from '@shamba/world';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

// Issue 16, "BeiDou short message, where there is no mast": `shamba start` with the
// cooperative's BeiDou terminal on SHAMBA_BEIDOU_TERMINAL (its serial line through a serial
// device server, tcp://) sends a beidou farmer's advice to the farm's terminal, which shows it.

const COOP = OROMIA_DEMO.coop.id;
const COOP_CARD = '0400001';
const FARM_CARD = '0455501';
const TOLOSA = 'farmer-tolosa';
/** What the message's field number names on the farm's terminal: Tolosa's fields in id order. */
const TOLOSA_FIELDS = Object.fromEntries(
  OROMIA_DEMO.fields
    .filter((field) => field.farmerId === TOLOSA)
    .map((field) => field.id)
    .sort()
    .map((id, index) => [index + 1, OROMIA_DEMO.fields.find((f) => f.id === id)!.name]),
);

const until = async (check: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

describe('shamba start with a BeiDou terminal over TCP', () => {
  it("shows a beidou farmer's advice on the farm's terminal", { timeout: 120_000 }, async () => {
    expect(TOLOSA_FIELDS[1]).toBe('Tolosa lower maize');
    const network = createShortMessageNetwork();
    const farm = createFarmerTerminal({ network, cardId: FARM_CARD, fieldNames: TOLOSA_FIELDS });
    const office = await serveTerminal({
      terminal: createTerminal({ cardId: COOP_CARD, network }),
      network,
    });
    using dir = tempDir();
    await using child = spawnShamba(
      ['start', '--demo', '--data-dir', dir.path, '--mqtt-port', '0', '--api-port', '0'],
      { SHAMBA_BEIDOU_TERMINAL: office.url, SHAMBA_LOG_LEVEL: 'warn' },
    );
    try {
      const [, apiUrl] = await waitForOutput(
        child,
        /API\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/,
        30_000,
      );
      const { tokens } = JSON.parse(
        await readFile(join(dir.path, 'demo', 'credentials.json'), 'utf8'),
      ) as { tokens: Record<string, string> };
      const call = async (method: string, path: string, body?: unknown) => {
        const response = await fetch(`${apiUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${tokens.manager}`,
            'content-type': 'application/json',
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        expect(response.ok, `${method} ${path}: ${response.status}`).toBe(true);
        return response.json() as Promise<Record<string, unknown>>;
      };
      await call('PATCH', `/v1/coops/${COOP}/farmers/${TOLOSA}`, {
        channel: 'beidou',
        beidouCardId: FARM_CARD,
        quietHours: { start: '00:00', end: '00:00' }, // no quiet hours: the test runs at any hour
      });

      // The demo's dry lower maize gets irrigation advice within about a minute; the card sends
      // one message a minute, so that is the first (or, after a teff message, the second).
      const maize = () =>
        farm.screens.find((screen) => screen.lines.join('\n').includes('Tolosa lower maize'));
      await until(() => maize() !== undefined, 80_000);
      const screen = maize()!;
      expect(screen.fromCard).toBe(COOP_CARD);
      expect(screen.lines.join('\n')).toMatch(
        /^Field 1: Tolosa lower maize\n(IRRIGATE \d+ mm of water|FERTILISE \d+ kg N\/ha)\n/,
      );
      expect(farm.refused).toEqual([]);
      expect(office.received[0]).toMatch(new RegExp(`^\\$CCTXA,${FARM_CARD},1,1,[0-9A-F]+\\*`));

      const { messages } = (await call('GET', `/v1/coops/${COOP}/messages`)) as {
        messages: OutboxMessage[];
      };
      // The outbox row for the maize advice: sent through the BeiDou gateway, its payload the
      // bytes the $CCTXA carried (hex, "code" transmission) and the farm's terminal decoded.
      const sent = messages.find(
        (m) => m.channel === 'beidou' && m.fieldId === 'field-tolosa-maize' && m.state === 'sent',
      );
      expect(sent).toMatchObject({ farmerId: TOLOSA, to: FARM_CARD, gateway: 'beidou' });
      const hex = Buffer.from(sent!.payloadBase64!, 'base64').toString('hex').toUpperCase();
      expect(office.received).toContainEqual(expect.stringContaining(`,1,1,${hex}*`));
    } finally {
      await office.close();
    }
  });
});
