import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { importCoop } from '@shamba/delivery';
import { loadConfig } from '../config.js';
import { CONFIG_FLAGS, configFlags, type Command } from './command.js';
import { openCoopStores } from './coop-stores.js';

export const importCommand: Command = {
  name: 'import',
  usage: `Usage: shamba import FILE [--data-dir DIR] [--store KIND ...]

Loads a cooperative's export (shamba export, GET /v1/coops/{id}/export) into this box, which
must not have the cooperative, nor any of its farmers, fields or devices. Every file's SHA-256
and record count is checked against manifest.json, and every record against Shamba's schemas,
before anything is written. The archive holds no device secrets: each device gets a new one,
printed once here as a JSON line {"deviceId", "username", "password"}; give it to the device
(it cannot connect until it has it). Model versions are listed in the archive but not imported.`,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: CONFIG_FLAGS,
    });
    const file = positionals[0];
    if (values.help === true || file === undefined) {
      console.log(this.usage);
      return values.help === true ? 0 : 2;
    }
    const config = loadConfig(configFlags(values), env);
    const stores = await openCoopStores(config);
    try {
      const result = await importCoop({
        ...stores,
        // 256 KiB reads: a chunk's readings are written before the next chunk is read.
        archive: () => createReadStream(file, { highWaterMark: 256 * 1024 }),
      });
      for (const { deviceId, secret } of result.deviceSecrets)
        console.log(JSON.stringify({ deviceId, username: deviceId, password: secret }));
      console.error(
        `imported cooperative ${result.coopId}: ${Object.entries(result.counts)
          .map(([what, n]) => `${n} ${what}`)
          .join(', ')}`,
      );
      for (const note of result.notes) console.error(`note: ${note}`);
      return 0;
    } finally {
      await stores.close();
    }
  },
};
