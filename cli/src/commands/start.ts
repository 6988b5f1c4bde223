import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createSimulation, type Simulation } from '@shamba/firmware-sim';
import { DAY_MS } from '@shamba/schemas';
import { OROMIA_DEMO } from '@shamba/world';
import { loadConfig } from '../config.js';
import { readCredentials, seedScenario, writeCredentials } from '../demo/seed-scenario.js';
import { rateLimit, storeOptions } from '../ingest-node.js';
import { createShamba } from '../shamba.js';
import { CONFIG_FLAGS, CONFIG_USAGE, configFlags, type Command } from './command.js';

const QUARTER_HOUR_MS = 900_000;

export const startCommand: Command = {
  name: 'start',
  usage: `Usage: shamba start [--demo [--speed X] [--days D]] [options]

Runs everything in one process on the embedded defaults: the MQTT broker with the ingest
pipeline, SQLite stores under the data directory, the analytics worker and the HTTP API.

  --demo                seed the demo cooperative (Batu, Oromia: 3 farmers, 4 fields, 20
                        devices), write <data dir>/demo/credentials.json and run the simulated
                        devices against the broker; a restart keeps the tokens and device
                        secrets there while they are valid (tokens last 90 days)
  --speed X             demo: simulated seconds per real second while catching up (2880)
  --days D              demo: start the simulated devices D days in the past (2)
  --scene-hosts LIST    SHAMBA_SCENE_HOSTS: fetch remote scenes (STAC item and band URLs)
                        only from these hosts, comma-separated (scenes.example.com,
                        *.example.org); unset: any host with a public address

${CONFIG_USAGE}`,
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        ...CONFIG_FLAGS,
        demo: { type: 'boolean' },
        speed: { type: 'string' },
        days: { type: 'string' },
        'scene-hosts': { type: 'string' },
      },
    });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    const config = loadConfig({ ...configFlags(values), sceneHosts: values['scene-hosts'] }, env);
    const speed = Number(values.speed ?? 2880);
    const days = Number(values.days ?? 2);
    if (!(speed > 0) || !(days >= 0)) throw new Error('--speed must be > 0 and --days >= 0');

    // Accelerated demo devices send `speed` times faster than real ones: raise their rate
    // limit to match (a sample per 15 simulated minutes, plus GNSS and status, twice over).
    const rate =
      values.demo === true
        ? { burst: 120, perSecond: Math.ceil((2 * speed) / 900) + 1 }
        : rateLimit(config);
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    const shamba = await createShamba({
      dataDir: config.dataDir,
      logger,
      mqtt: {
        host: config.mqttHost,
        port: config.mqttPort,
        ...(rate === undefined ? {} : { limits: { rate } }),
      },
      api: { host: config.apiHost, port: config.apiPort },
      analyticsIntervalMs: config.analyticsIntervalMs,
      store: storeOptions(config),
      ...(config.workers === undefined ? {} : { workers: config.workers }),
      ...(config.sceneHosts === undefined ? {} : { remoteAccess: { hosts: config.sceneHosts } }),
    });

    let simulation: Simulation | undefined;
    const stop = new AbortController();
    let running: Promise<void> | undefined;
    if (values.demo === true) {
      const startMs = Math.floor((Date.now() - days * DAY_MS) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      const credentialsPath = resolve(config.dataDir, 'demo', 'credentials.json');
      // A restart keeps the tokens and device secrets the registry still accepts (issue 13).
      const previous = await readCredentials(credentialsPath);
      const credentials = await seedScenario(shamba.registry, OROMIA_DEMO, {
        atMs: startMs,
        nowMs: Date.now(),
        ...(previous === undefined ? {} : { previous }),
      });
      await writeCredentials(credentialsPath, credentials);
      simulation = createSimulation({
        scenario: OROMIA_DEMO,
        brokerUrl: shamba.mqttUrl,
        credentials: credentials.devices,
        startMs,
        stateDir: resolve(config.dataDir, 'demo', 'sim'),
        scenesDir: resolve(config.dataDir, 'scenes'), // the folder `createShamba` watches
      });
      running = simulation.run({ speed, signal: stop.signal });
      const field = OROMIA_DEMO.fields[0]!.id;
      console.log(`Shamba demo is running: ${OROMIA_DEMO.coop.name}, ${OROMIA_DEMO.fields.length} fields, ${OROMIA_DEMO.devices.length} devices.
  API      ${shamba.api.url}/v1   (health: ${shamba.api.url}/v1/health)
  MQTT     ${shamba.mqttUrl}
  Tokens   ${credentialsPath}
Prescriptions appear within seconds; for example:
  TOKEN=$(node -p "require('${credentialsPath}').tokens.manager")
  curl -s -H "Authorization: Bearer $TOKEN" ${shamba.api.url}/v1/fields/${field}/prescriptions/latest
Press Ctrl+C to stop.`);
    } else {
      console.log(
        `Shamba is running. API ${shamba.api.url}/v1, MQTT ${shamba.mqttUrl}. Press Ctrl+C to stop.`,
      );
    }

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    stop.abort();
    await running;
    await simulation?.close();
    await shamba.close();
    return 0;
  },
};
