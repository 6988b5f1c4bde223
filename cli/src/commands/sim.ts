import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createSimulation } from '@shamba/firmware-sim';
import { DAY_MS } from '@shamba/schemas';
import type { DemoCredentials } from '../demo/seed-scenario.js';
import { loadScenario, SCENARIO_NAMES } from '../scenarios.js';
import type { Command } from './command.js';
import { RENDER_SCENE_USAGE, renderSceneCommand } from './render-scene.js';

export const simCommand: Command = {
  name: 'sim',
  usage: `Usage: shamba sim [--scenario NAME|FILE] [--broker URL] [--credentials FILE] [options]
       shamba sim render-scene --scenario NAME|FILE --date YYYY-MM-DD --out DIR

Runs the scenario's devices (QoS 1, persistent sessions, a flash queue each) against the
broker: accelerated until simulated time catches up with the clock, then in real time.
Readings taken while the broker is unreachable, or while this process was down, are sent
later, in order, with their original times.

  --scenario NAME|FILE  ${SCENARIO_NAMES.join(', ')}, or a scenario JSON file (default oromia-demo)
  --broker URL          default mqtt://127.0.0.1:1883
  --credentials FILE    device credentials as written by \`shamba start --demo\`; without it
                        devices connect with their id as user name and no password
  --state-dir DIR       flash queues and simulated clock (default ./data/sim)
  --speed X             simulated seconds per real second while catching up (2880)
  --days D              on a fresh state dir, start D days in the past (2)
  --devices N           scale the scenario to N devices (load tests)
  --ticks N             take N samples per device, send them, then exit
  -h, --help            this text

${RENDER_SCENE_USAGE}`,
  async run(args) {
    if (args[0] === 'render-scene') return renderSceneCommand(args.slice(1));
    const { values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string', default: 'oromia-demo' },
        broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        credentials: { type: 'string' },
        'state-dir': { type: 'string', default: './data/sim' },
        speed: { type: 'string', default: '2880' },
        days: { type: 'string', default: '2' },
        devices: { type: 'string' },
        ticks: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    const scenario = await loadScenario(values.scenario);
    const credentials =
      values.credentials === undefined
        ? undefined
        : (JSON.parse(await readFile(values.credentials, 'utf8')) as DemoCredentials).devices;
    const simulation = createSimulation({
      scenario,
      brokerUrl: values.broker,
      ...(credentials === undefined ? {} : { credentials }),
      startMs: Date.now() - Number(values.days) * DAY_MS,
      stateDir: values['state-dir'],
      ...(values.devices === undefined ? {} : { devices: Number(values.devices) }),
    });
    try {
      if (values.ticks !== undefined) {
        for (let i = 0; i < Number(values.ticks); i++) simulation.tick();
        console.log(
          `sampled ${values.ticks} times on each of ${simulation.devices.size} devices; sending`,
        );
        await simulation.drained();
        console.log('all readings sent');
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
