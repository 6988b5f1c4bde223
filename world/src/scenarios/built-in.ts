import minasGeraisCoffee from '../../scenarios/minas-gerais-coffee.json' with { type: 'json' };
import oromiaDemo from '../../scenarios/oromia-demo.json' with { type: 'json' };
import oromiaDrought from '../../scenarios/oromia-drought.json' with { type: 'json' };
import { parseScenario, type Scenario } from './scenario.js';

/**
 * The scenarios shipped as JSON files in `world/scenarios/`, imported (not read from
 * disk) so that the built CLI carries them.
 */
const FILES = {
  'oromia-demo': oromiaDemo,
  'oromia-drought': oromiaDrought,
  'minas-gerais-coffee': minasGeraisCoffee,
} as const;

export const BUILT_IN_SCENARIO_FILES = Object.keys(FILES) as (keyof typeof FILES)[];

export const BUILT_IN_SCENARIOS: Record<string, Scenario> = Object.fromEntries(
  Object.entries(FILES).map(([name, json]) => [name, parseScenario(json)]),
);

export const OROMIA_DEMO: Scenario = BUILT_IN_SCENARIOS['oromia-demo']!;
