import { parseArgs } from 'node:util';
import { calculateEt0 } from '@shamba/agronomy';
import type { Command } from './command.js';
import { jsonFromStdin } from './json-stdin.js';

export const et0Command: Command = {
  name: 'et0',
  usage: `Usage: shamba et0 < weather.json

Reads one JSON object, or an array of them, on standard input and prints the FAO-56
Penman-Monteith reference evapotranspiration as JSON: et0Mm and every intermediate value
(es, ea, Δ, γ, u2, Ra, Rs, Rso, Rns, Rnl, Rn, G), with humidityFrom and radiationFrom naming
the FAO-56 equation used. An array gives an array; a bad element is answered with
{"error": {...}} in its place and the exit code is 1.

Fields (FAO-56 terms; units in the names):
  timestep             "daily" (default) or "hourly"
  latitudeDeg          north positive
  elevationM, dayOfYear, windSpeedMs, windHeightM (default 2)
  daily:   tMaxC, tMinC
           humidity: rhMaxPct + rhMinPct | rhMeanPct | tDewC | actualVaporPressureKPa | none (eq. 48)
           radiation: solarRadiationMJ (MJ m-2 day-1) | sunshineHours | none (eq. 50, kRs 0.16)
           soilHeatFluxMJ (default 0)
  hourly:  tC, rhPct, solarRadiationMJ (MJ m-2 per period), hour (start, local standard time),
           periodHours (default 1), longitudeDeg and standardMeridianDeg (east positive),
           nightRsRsoRatio (default 0.6)

Example (FAO-56 Example 17, Brussels, 6 July; ET0 3.9 mm/day):
  echo '{"latitudeDeg":50.8,"elevationM":100,"dayOfYear":187,"windSpeedMs":2.78,
         "windHeightM":10,"tMaxC":21.5,"tMinC":12.3,"rhMaxPct":84,"rhMinPct":63,
         "sunshineHours":9.25}' | shamba et0`,
  async run(args) {
    const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    const body = await jsonFromStdin();
    const result = calculateEt0(body);
    console.log(JSON.stringify(result, null, 2));
    return Array.isArray(result) && result.some((r) => 'error' in r) ? 1 : 0;
  },
};
