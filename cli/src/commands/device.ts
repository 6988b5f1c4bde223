import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { DEVICE_KINDS, DeviceSchema, type DeviceKind } from '@shamba/schemas';
import { createSqliteRegistry } from '@shamba/storage';
import { loadConfig } from '../config.js';
import type { Command } from './command.js';

export const deviceCommand: Command = {
  name: 'device',
  usage: `Usage: shamba device add --id ID --coop COOP [--field FIELD] [--zone ZONE] [--kind KIND] [--data-dir DIR]
       shamba device list [--coop COOP] [--data-dir DIR]

add   registers a device with a new random secret, printed once as JSON
      ({"deviceId", "username", "password", "mqtt"}); only its SHA-256 digest is stored. Adding an
      existing id rotates its secret. KIND: ${DEVICE_KINDS.join(', ')} (default soil-probe).
list  prints the registered devices, one JSON line each (never their secrets).`,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        coop: { type: 'string' },
        field: { type: 'string' },
        zone: { type: 'string' },
        kind: { type: 'string', default: 'soil-probe' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true || positionals[0] === undefined) {
      console.log(this.usage);
      return values.help === true ? 0 : 2;
    }
    const config = loadConfig({ dataDir: values['data-dir'] }, env);
    const registry = await createSqliteRegistry({ path: join(config.dataDir, 'registry.sqlite') });
    try {
      if (positionals[0] === 'list') {
        for (const { secretHash: _hidden, ...device } of await registry.devices.list(
          values.coop === undefined ? {} : { coopId: values.coop },
        )) {
          console.log(JSON.stringify(device));
        }
        return 0;
      }
      if (positionals[0] !== 'add') throw new Error(`unknown device command "${positionals[0]}"`);
      const parsed = DeviceSchema.safeParse({
        id: values.id,
        coopId: values.coop,
        fieldId: values.field ?? null,
        zoneId: values.zone ?? null,
        kind: values.kind as DeviceKind,
      });
      if (!parsed.success)
        throw new Error(
          `invalid device: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const password = generateSecret();
      await registry.devices.upsert({ ...parsed.data, secretHash: await hashSecret(password) });
      console.log(
        JSON.stringify({
          deviceId: parsed.data.id,
          username: parsed.data.id,
          password,
          mqtt: `mqtt://${config.mqttHost}:${config.mqttPort}`,
        }),
      );
      return 0;
    } finally {
      await registry.close();
    }
  },
};
