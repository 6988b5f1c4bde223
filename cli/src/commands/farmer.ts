import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FarmerInputSchema, ShambaError } from '@shamba/schemas';
import { checkFarmer, newFarmer, withContactDefaults } from '@shamba/delivery';
import { createSqliteRegistry } from '@shamba/storage';
import { prettifyError } from 'zod';
import { loadConfig } from '../config.js';
import type { Command } from './command.js';

export const farmerCommand: Command = {
  name: 'farmer',
  usage: `Usage: shamba farmer add --coop COOP --id ID --name NAME --phone +E164 --language LANG
                         [--channel sms|beidou|none] [--beidou-card ID] [--quiet 20:00-06:00]
                         [--consent opted-in|opted-out] [--consent-source TEXT] [--data-dir DIR]
       shamba farmer list --coop COOP [--data-dir DIR]

add    records a farmer of an existing cooperative. A farmer gets messages only after an
       opt-in (--consent opted-in, with where it was given: --consent-source "signed form 14");
       the consent is stamped with the time and "cli". Quiet hours default to 20:00-06:00 in
       the cooperative's time zone.
list   prints the cooperative's farmers, one JSON line each, defaults written out.`,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        coop: { type: 'string' },
        id: { type: 'string' },
        name: { type: 'string' },
        phone: { type: 'string' },
        language: { type: 'string' },
        channel: { type: 'string' },
        'beidou-card': { type: 'string' },
        quiet: { type: 'string' },
        consent: { type: 'string' },
        'consent-source': { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const action = positionals[0];
    if (values.help === true || !['add', 'list'].includes(action ?? '')) {
      console.log(this.usage);
      return values.help === true ? 0 : 2;
    }
    if (values.coop === undefined) throw new ShambaError('INVALID_REQUEST', '--coop is required');
    const config = loadConfig({ dataDir: values['data-dir'] }, env);
    const registry = await createSqliteRegistry({ path: join(config.dataDir, 'registry.sqlite') });
    try {
      if ((await registry.coops.get(values.coop)) === undefined)
        throw new ShambaError('NOT_FOUND', `no cooperative "${values.coop}"`);
      if (action === 'list') {
        for (const farmer of await registry.farmers.list(values.coop))
          console.log(JSON.stringify(withContactDefaults(farmer)));
        return 0;
      }
      const [start, end] = (values.quiet ?? '').split('-');
      const parsed = FarmerInputSchema.safeParse({
        id: values.id,
        name: values.name,
        phone: values.phone,
        language: values.language,
        ...(values.channel === undefined ? {} : { channel: values.channel }),
        ...(values['beidou-card'] === undefined ? {} : { beidouCardId: values['beidou-card'] }),
        ...(values.quiet === undefined ? {} : { quietHours: { start, end } }),
        ...(values.consent === undefined
          ? {}
          : {
              consent: {
                state: values.consent,
                ...(values['consent-source'] === undefined
                  ? {}
                  : { source: values['consent-source'] }),
              },
            }),
      });
      if (!parsed.success) throw new ShambaError('INVALID_REQUEST', prettifyError(parsed.error));
      if ((await registry.farmers.get(parsed.data.id)) !== undefined)
        throw new ShambaError('INVALID_REQUEST', `the farmer id ${parsed.data.id} is taken`);
      const farmer = newFarmer({
        coopId: values.coop,
        farmer: parsed.data,
        recorded: { by: 'cli', atMs: Date.now() },
      });
      await checkFarmer(registry, farmer);
      await registry.farmers.upsert(farmer);
      console.log(JSON.stringify(withContactDefaults(farmer)));
      return 0;
    } finally {
      await registry.close();
    }
  },
};
