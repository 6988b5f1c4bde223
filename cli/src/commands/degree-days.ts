import { parseArgs } from 'node:util';
import { calculateDegreeDays } from '@shamba/agronomy';
import type { Command } from './command.js';
import { jsonFromStdin } from './json-stdin.js';

export const degreeDaysCommand: Command = {
  name: 'degree-days',
  usage: `Usage: shamba degree-days < days.json

Reads one JSON object, or an array of them, on standard input and prints each day's
degree-days (°C·day) as JSON, {"degreeDays": ...}, by the methods of Baskerville & Emin (1969)
as UC IPM gives them. An array gives an array; a bad element is answered with {"error": {...}}
in its place and the exit code is 1.

Fields:
  tMinC, tMaxC   the day's minimum and maximum air temperature
  lowerC         the organism's lower developmental threshold
  upperC         its upper threshold (optional: none)
  method         "single-sine" or "single-triangle"
  cutoff         "horizontal" (default: development at the upper threshold's rate above it)
                 or "vertical" (no development above it)

Example (a day of 12-26 °C, maize's 10 °C base):
  echo '{"tMinC":12,"tMaxC":26,"lowerC":10,"upperC":30,"method":"single-sine"}' \\
    | shamba degree-days`,
  async run(args) {
    const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    const body = await jsonFromStdin();
    const result = calculateDegreeDays(body);
    console.log(JSON.stringify(result, null, 2));
    return Array.isArray(result) && result.some((r) => 'error' in r) ? 1 : 0;
  },
};
