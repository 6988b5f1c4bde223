import { deviceCommand, tokenCommand } from './commands/device.js';
import { et0Command } from './commands/et0.js';
import { gnssCommand } from './commands/gnss.js';
import { modelCommand } from './commands/model.js';
import { simCommand } from './commands/sim.js';
import { startCommand } from './commands/start.js';
import type { Command } from './commands/command.js';

export const COMMANDS: readonly Command[] = [
  startCommand,
  simCommand,
  deviceCommand,
  tokenCommand,
  gnssCommand,
  et0Command,
  modelCommand,
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
    return await command.run(rest, env);
  } catch (error) {
    console.error(`shamba ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
