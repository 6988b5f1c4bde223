import type { Command } from './commands/command.js';

/**
 * The commands, each loaded only when it runs: `shamba ingest` then carries the broker and the
 * store, not the API, TF.js or geotiff (in the built CLI each command is a chunk of its own).
 */
export const COMMANDS: readonly { name: string; summary: string; load(): Promise<Command> }[] = [
  {
    name: 'start',
    summary: 'run broker, ingest, analytics and API in one process (embedded defaults)',
    load: async () => (await import('./commands/start.js')).startCommand,
  },
  {
    name: 'ingest',
    summary: 'run only the MQTT broker and the ingest into the time-series store',
    load: async () => (await import('./commands/ingest.js')).ingestCommand,
  },
  {
    name: 'sim',
    summary: "run a scenario's simulated devices against any MQTT 3.1.1 broker",
    load: async () => (await import('./commands/sim.js')).simCommand,
  },
  {
    name: 'device',
    summary: 'provision devices (the secret is shown once) and list them',
    load: async () => (await import('./commands/device.js')).deviceCommand,
  },
  {
    name: 'token',
    summary:
      'API bearer tokens: `token add` (shown once, expires), `token list`, `token revoke ID`',
    load: async () => (await import('./commands/token.js')).tokenCommand,
  },
  {
    name: 'gnss',
    summary: 'GNSS tools: `gnss parse` reads NMEA 0183 (BeiDou GB/BD, GN, GP...) from stdin',
    load: async () => (await import('./commands/gnss.js')).gnssCommand,
  },
  {
    name: 'et0',
    summary: 'FAO-56 Penman-Monteith reference evapotranspiration: JSON on stdin, JSON out',
    load: async () => (await import('./commands/et0.js')).et0Command,
  },
  {
    name: 'degree-days',
    summary:
      'degree-days by the single sine or triangle (Baskerville & Emin): JSON on stdin, JSON out',
    load: async () => (await import('./commands/degree-days.js')).degreeDaysCommand,
  },
  {
    name: 'farmer',
    summary: 'farmers and their consent: `farmer add`, `farmer list --coop COOP`',
    load: async () => (await import('./commands/farmer.js')).farmerCommand,
  },
  {
    name: 'export',
    summary: "a cooperative's data as a zip of open formats: `export --coop ID [--out FILE]`",
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  {
    name: 'import',
    summary: 'load an export into an empty box: `import FILE` (devices get new secrets)',
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'model',
    summary: 'yield models: `model train`, `model list`, `model promote VERSION`',
    load: async () => (await import('./commands/model.js')).modelCommand,
  },
  {
    name: 'sms',
    summary: 'SMS tools: `sms count` says encoding, segments and room left for a text on stdin',
    load: async () => (await import('./commands/sms.js')).smsCommand,
  },
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: shamba <command> [options]

Shamba: a precision-agriculture pipeline for smallholder cooperatives.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`shamba <command> --help\` for a command's options.`;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`shamba: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest, env);
  } catch (error) {
    console.error(`shamba ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
