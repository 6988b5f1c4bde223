import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createSimulation } from '@shamba/firmware-sim';
import { DAY_MS } from '@shamba/schemas';
import { OROMIA_DEMO } from '@shamba/world';
import { loadConfig, type Config } from '../config.js';
import { readCredentials, seedScenario, writeCredentials } from '../demo/seed-scenario.js';
import { rateLimit, storeOptions } from '../ingest-node.js';
import { createShamba, type Shamba, type SmsOptions } from '../shamba.js';
import { ensureYieldModel } from '../yield-models.js';
import { CONFIG_FLAGS, CONFIG_USAGE, configFlags, type Command } from './command.js';
import { checkBeforeStart, openingFailure } from './start-checks.js';

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
    // Anything that cannot work is said before anything is opened, naming the path to fix.
    await checkBeforeStart(config, { demo: values.demo === true });
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
      sms: smsOptions(config),
    }).catch((error: unknown) => {
      throw openingFailure(error); // createShamba has closed what it had opened
    });

    let demo: RunningDemo | undefined;
    try {
      await warnIfStoreAway(shamba, config);
      if (values.demo === true) demo = await startDemo(shamba, { config, speed, days });
      else
        console.log(
          `Shamba is running. API ${shamba.api.url}/v1, dashboard ${shamba.api.url}/, MQTT ${shamba.mqttUrl}. Press Ctrl+C to stop.`,
        );
    } catch (error) {
      // A failure after the parts opened (the demo's seeding, its credentials file): everything
      // closed, so the process ends now instead of serving on without what failed.
      await demo?.stop().catch(() => undefined);
      await shamba.close().catch(() => undefined);
      throw openingFailure(error);
    }

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await demo?.stop();
    await shamba.close();
    return 0;
  },
};

interface RunningDemo {
  stop(): Promise<void>;
}

/**
 * The demo: the cooperative seeded (tokens and device secrets kept across restarts), its
 * credentials written, and its simulated devices running against the broker.
 */
async function startDemo(
  shamba: Shamba,
  options: { config: Config; speed: number; days: number },
): Promise<RunningDemo> {
  const { config, speed, days } = options;
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
  const simulation = createSimulation({
    scenario: OROMIA_DEMO,
    brokerUrl: shamba.mqttUrl,
    credentials: credentials.devices,
    startMs,
    stateDir: resolve(config.dataDir, 'demo', 'sim'),
    scenesDir: resolve(config.dataDir, 'scenes'), // the folder `createShamba` watches
  });
  const abort = new AbortController();
  const running = simulation.run({ speed, signal: abort.signal });
  // Yield forecasts from the first minute: a shared model trained and promoted when none is in use.
  const coopId = OROMIA_DEMO.coop.id;
  ensureYieldModel({
    registry: shamba.registry,
    pool: shamba.pool,
    dataDir: config.dataDir,
    coopId,
  })
    .then((version) => console.log(`Yield model in use: ${version}.`))
    .catch((error: unknown) => {
      if (!abort.signal.aborted) console.error(`no demo yield model: ${String(error)}`);
    });
  const field = OROMIA_DEMO.fields[0]!.id;
  console.log(`Shamba demo is running: ${OROMIA_DEMO.coop.name}, ${OROMIA_DEMO.fields.length} fields, ${OROMIA_DEMO.devices.length} devices.
  API      ${shamba.api.url}/v1   (health: ${shamba.api.url}/v1/health)
  Dashboard ${shamba.api.url}/   (sign in with a token from the file below)
  MQTT     ${shamba.mqttUrl}
  Tokens   ${credentialsPath}
Prescriptions appear within seconds; for example:
  TOKEN=$(node -p "require('${credentialsPath}').tokens.manager")
  curl -s -H "Authorization: Bearer $TOKEN" ${shamba.api.url}/v1/fields/${field}/prescriptions/latest
Press Ctrl+C to stop.`);
  return {
    async stop() {
      abort.abort();
      await running;
      await simulation.close();
    },
  };
}

/**
 * InfluxDB away at start is no reason to stop (readings wait in the spool until it answers,
 * see storage's InfluxDB adapter), but the person starting the box hears of it at once.
 */
async function warnIfStoreAway(shamba: Shamba, config: Config): Promise<void> {
  if (config.store !== 'influxdb') return;
  const error = await shamba.store.ping().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) return;
  const why = error instanceof Error ? error.message : 'no answer';
  console.error(
    `shamba start: warning: InfluxDB at ${config.influxUrl} does not answer (${why}); ` +
      'readings are kept in the spool until it does',
  );
}

/** The SMS settings as createShamba takes them (no gateway: the outbox only). */
function smsOptions(config: Config): SmsOptions {
  return {
    perFarmerPerDay: config.smsPerDay,
    ...(config.smsGateway === undefined ? {} : { gatewayUrl: config.smsGateway }),
    ...(config.smsSender === undefined ? {} : { sender: config.smsSender }),
    ...(config.smsBudget === undefined ? {} : { segmentsPerMonth: config.smsBudget }),
    ...(config.smsCallbackToken === undefined ? {} : { callbackToken: config.smsCallbackToken }),
    ...(config.beidouTerminal === undefined ? {} : { beidouTerminalUrl: config.beidouTerminal }),
  };
}
