import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createModelStore } from '@shamba/analytics';
import { exportCoop, exportFileName } from '@shamba/delivery';
import { loadConfig } from '../config.js';
import { CONFIG_FLAGS, configFlags, type Command } from './command.js';
import { openCoopStores } from './coop-stores.js';

export const exportCommand: Command = {
  name: 'export',
  usage: `Usage: shamba export --coop ID [--out FILE] [--data-dir DIR] [--store KIND ...]

Writes everything the cooperative owns to a zip (as GET /v1/coops/{id}/export): fields and
zones (GeoJSON), farmers, devices (without secrets), every reading (CSV, a file per stream and
month), prescriptions with their steps, messages, forecasts, parameter sets, yield history,
fertiliser applications, scene indices, model versions' metadata, and manifest.json with each
file's SHA-256. Streamed: memory stays the same whatever the number of readings.
--out FILE   where to write (default coop-ID-DATE.zip here; - for standard output).
\`shamba import FILE\` loads it into an empty box.`,
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: { ...CONFIG_FLAGS, coop: { type: 'string' }, out: { type: 'string' } },
    });
    if (values.help === true || values.coop === undefined) {
      console.log(this.usage);
      return values.help === true ? 0 : 2;
    }
    const coopId = values.coop;
    const config = loadConfig(configFlags(values), env);
    const nowMs = Date.now();
    const out = values.out ?? exportFileName(coopId, nowMs);
    const stores = await openCoopStores(config);
    try {
      if ((await stores.registry.coops.get(coopId)) === undefined)
        throw new Error(`no cooperative ${coopId} in ${config.dataDir}`);
      const models = createModelStore({ dir: join(config.dataDir, 'models'), owner: coopId });
      let summary = '';
      const chunks = exportCoop({
        ...stores,
        onManifest: ({ files }) => {
          const readings = files.filter((f) => f.path.startsWith('readings/'));
          summary =
            ` (${files.length + 1} files; ${readings.reduce((n, f) => n + f.records, 0)} readings,` +
            ` ${(readings.reduce((n, f) => n + f.bytes, 0) / 1024 / 1024).toFixed(1)} MB of CSV)`;
        },
        coopId,
        clock: () => nowMs,
        // The cooperative's own versions (the shared ones are not its data).
        models: async () => (await models.list('yield')).filter((m) => m.owner === coopId),
      });
      // pipeline waits for the file (or stdout) to drain before pulling the next chunk.
      try {
        await pipeline(
          Readable.from(chunks, { objectMode: false }),
          out === '-' ? process.stdout : createWriteStream(out, { flags: 'wx' }),
        );
      } catch (error) {
        // A half-written archive is no archive: it goes (never one that was there before: `wx`).
        if (out !== '-' && (error as NodeJS.ErrnoException).code !== 'EEXIST')
          await rm(out, { force: true });
        throw error;
      }
      if (out !== '-') console.error(`wrote ${out}${summary}`);
      return 0;
    } finally {
      await stores.close();
    }
  },
};
