import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { countSms } from '@shamba/delivery';
import type { Command } from './command.js';

/** One `shamba sms <name>` subcommand. Add one here (and its line in the usage follows). */
interface SmsSubcommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

const countSubcommand: SmsSubcommand = {
  name: 'count',
  summary: 'how a text goes as SMS: encoding, segments, room left (text on stdin)',
  usage: `Usage: shamba sms count [--json] < message.txt

Reads standard input as UTF-8 (one trailing newline dropped), normalises it to NFC and says how
it goes as SMS (3GPP TS 23.038, TS 23.040): GSM-7 when every character is in the GSM default
alphabet or its extension table (^ { } \\ [ ~ ] | € and form feed cost two septets), else UCS-2
(a character outside the BMP, such as an emoji, costs two units). One segment holds 160 septets
or 70 UCS-2 units; a longer message goes in parts of 153 or 67. unitsLeft is the room left in
the last segment.

  --json       print {"encoding":"GSM-7","segments":1,"unitsLeft":155}
  -h, --help   this text

Example:
  echo 'Irrigate 12 mm tomorrow' | shamba sms count`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    // `echo` and editors end the text with a newline the farmer would never see: drop one.
    const message = (await text(process.stdin)).replace(/\r?\n$/, '');
    const count = countSms(message);
    if (values.json === true) {
      const { encoding, segments, unitsLeft } = count;
      console.log(JSON.stringify({ encoding, segments, unitsLeft }));
      return 0;
    }
    const unit = count.encoding === 'GSM-7' ? 'septets' : 'UCS-2 units';
    const plural = count.segments === 1 ? 'segment' : 'segments';
    console.log(
      `${count.encoding}, ${count.segments} ${plural}, ${count.units} ${unit}, ${count.unitsLeft} left in the last segment`,
    );
    return 0;
  },
};

const outboxSubcommand: SmsSubcommand = {
  name: 'outbox',
  summary: 'the messages to farmers, newest first, with their state and cost',
  usage: 'shamba sms outbox --help',
  async run(args, env) {
    const { runOutbox } = await import('./sms-outbox.js');
    return runOutbox(args, env);
  },
};

const SUBCOMMANDS: readonly SmsSubcommand[] = [countSubcommand, outboxSubcommand];

function smsUsage(): string {
  const width = Math.max(...SUBCOMMANDS.map((s) => s.name.length));
  return `Usage: shamba sms <subcommand> [options]

Subcommands:
${SUBCOMMANDS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`).join('\n')}

Run \`shamba sms <subcommand> --help\` for its options.`;
}

export const smsCommand: Command = {
  name: 'sms',
  usage: smsUsage(),
  async run(args, env) {
    const [name, ...rest] = args;
    const subcommand = SUBCOMMANDS.find((s) => s.name === name);
    if (subcommand === undefined) {
      const asked = name === '--help' || name === '-h' || name === 'help';
      if (asked) console.log(this.usage);
      else
        console.error(
          name === undefined ? this.usage : `unknown subcommand "${name}"\n\n${this.usage}`,
        );
      return asked ? 0 : 2;
    }
    return subcommand.run(rest, env);
  },
};
