import { readFileSync } from 'node:fs';
import { parseScenario, type Scenario } from './scenario.js';

/** The scenarios shipped as JSON files in `firmware-sim/scenarios/`. */
export const BUILT_IN_SCENARIO_FILES = [
  'oromia-demo',
  'oromia-drought',
  'minas-gerais-coffee',
] as const;

function load(name: string): Scenario {
  return parseScenario(
    JSON.parse(readFileSync(new URL(`../../scenarios/${name}.json`, import.meta.url), 'utf8')),
  );
}

export const BUILT_IN_SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  BUILT_IN_SCENARIO_FILES.map((n) => [n, load(n)]),
);

export const OROMIA_DEMO: Scenario = BUILT_IN_SCENARIOS['oromia-demo']!;
