import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ShambaError } from '@shamba/schemas';
import { createSqliteRegistry } from '@shamba/storage';
import { loadConfig } from '../config.js';

export const outboxUsage = `Usage: shamba sms outbox --coop COOP [--farmer FARMER] [--limit N] [--json] [--data-dir DIR]

Prints the cooperative's messages to farmers, newest first: when, to whom, state (queued, sending,
sent, delivered, failed, held), segments and the text. Without an SMS gateway configured
(SHAMBA_SMS_GATEWAY) nothing is sent: the outbox shows what would go out. --json prints one
JSON line per message.`;

/** `shamba sms outbox`: the outbox as the manager reads it, on the box. */
export async function runOutbox(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      coop: { type: 'string' },
      farmer: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(outboxUsage);
    return 0;
  }
  if (values.coop === undefined) throw new ShambaError('INVALID_REQUEST', '--coop is required');
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw new ShambaError('INVALID_REQUEST', '--limit is 1 to 500');
  const config = loadConfig({ dataDir: values['data-dir'] }, env);
  const registry = await createSqliteRegistry({ path: join(config.dataDir, 'registry.sqlite') });
  try {
    const messages = await registry.messages.list({
      coopId: values.coop,
      limit,
      ...(values.farmer === undefined ? {} : { farmerId: values.farmer }),
    });
    for (const m of messages) {
      if (values.json === true) {
        console.log(JSON.stringify(m));
        continue;
      }
      const when = new Date(m.createdMs).toISOString().slice(0, 16).replace('T', ' ');
      const parts = `${m.segments} ${m.encoding} segment${m.segments === 1 ? '' : 's'}`;
      console.log(`${when}  ${m.farmerId}  ${m.to}  ${m.state}  ${parts}\n  ${m.text}`);
    }
    if (messages.length === 0 && values.json !== true) console.log('no messages');
    return 0;
  } finally {
    await registry.close();
  }
}
