import { parseArgs } from 'node:util';
import { DAY_MS } from '@shamba/schemas';
import { createWorld, overpassesBetween, renderScene, writeScene } from '@shamba/world';
import { loadScenario } from '../scenarios.js';

/** The world is run from this many days before the date, so soil and crops have a history. */
const SPIN_UP_DAYS = 30;

export const RENDER_SCENE_USAGE = `Usage: shamba sim render-scene --scenario NAME|FILE --date YYYY-MM-DD --out DIR

Renders the satellite overpass of that day (10:30 solar time) over the scenario's fields as
Sentinel-2 L2A-like bands, one GeoTIFF each (B04, B08 at 10 m; B8A, B11, SCL at 20 m; UTM),
with a STAC item JSON beside them. The world runs from ${SPIN_UP_DAYS} days before the date.`;

export async function renderSceneCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string', default: 'oromia-demo' },
      date: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    console.log(RENDER_SCENE_USAGE);
    return 0;
  }
  if (
    values.date === undefined ||
    !/^\d{4}-\d{2}-\d{2}$/.test(values.date) ||
    values.out === undefined
  ) {
    throw new Error('--date YYYY-MM-DD and --out DIR are required (see --help)');
  }
  const scenario = await loadScenario(values.scenario);
  const dayMs = Date.parse(`${values.date}T00:00:00Z`);
  const [pass] = overpassesBetween(scenario, dayMs - 12 * 3_600_000, dayMs + 36 * 3_600_000).filter(
    (t) =>
      new Date(t + (scenario.site.longitudeDeg / 15) * 3_600_000).toISOString().slice(0, 10) ===
      values.date,
  );
  // Sentinel-2 passes every five days; on other days render the same local time anyway.
  const at = pass ?? dayMs + (10.5 - scenario.site.longitudeDeg / 15) * 3_600_000;
  const world = createWorld(scenario, at - SPIN_UP_DAYS * DAY_MS);
  world.advanceTo(at);
  const scene = renderScene(scenario, world);
  for (const file of writeScene(scene, values.out)) console.log(file);
  return 0;
}
