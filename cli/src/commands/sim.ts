import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OROMIA_DEMO, createSimulation, type Scenario } from '@shamba/firmware-sim';
import type { DemoCredentials } from '../demo/seed-scenario.js';
import type { Command } from './command.js';

const SCENARIOS: Record<string, Scenario> = { [OROMIA_DEMO.id]: OROMIA_DEMO };
const DAY_MS = 86_400_000;

export const simCommand: Command = {
  name: 'sim',
  summary: "run a scenario's simulated devices against any MQTT 3.1.1 broker",
  usage: `Usage: shamba sim --credentials FILE [--scenario NAME] [--broker URL] [--speed X] [--days D] [--ticks N]

Connects the scenario's devices (QoS 1, persistent sessions, SenML payloads) and publishes
their readings: accelerated until simulated time catches up with the clock, then in real time.

  --scenario NAME       one of: ${Object.keys(SCENARIOS).join(', ')} (default ${OROMIA_DEMO.id})
  --broker URL          default mqtt://127.0.0.1:1883
  --credentials FILE    device credentials, as written by \`shamba start --demo\`
                        (<data dir>/demo/credentials.json)
  --speed X             simulated seconds per real second while catching up (2880)
  --days D              start D days in the past (2)
  --ticks N             publish N samples per device, then exit
  -h, --help            this text`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string', default: OROMIA_DEMO.id },
        broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        credentials: { type: 'string' },
        speed: { type: 'string', default: '2880' },
        days: { type: 'string', default: '2' },
        ticks: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    const scenario = SCENARIOS[values.scenario];
    if (scenario === undefined) throw new Error(`unknown scenario ${values.scenario}`);
    if (values.credentials === undefined) throw new Error('--credentials is required (see --help)');
    const credentials = JSON.parse(await readFile(values.credentials, 'utf8')) as DemoCredentials;
    const simulation = await createSimulation({
      scenario,
      brokerUrl: values.broker,
      credentials: credentials.devices,
      startMs: Date.now() - Number(values.days) * DAY_MS,
      onError: (error) => console.error(`publish failed: ${String(error)}`),
    });
    try {
      if (values.ticks !== undefined) {
        for (let i = 0; i < Number(values.ticks); i++) await simulation.tick();
        console.log(
          `published ${values.ticks} samples from each of ${scenario.devices.length} devices`,
        );
      } else {
        const stop = new AbortController();
        process.once('SIGINT', () => stop.abort());
        process.once('SIGTERM', () => stop.abort());
        await simulation.run({ speed: Number(values.speed), signal: stop.signal });
      }
    } finally {
      await simulation.close();
    }
    return 0;
  },
};
