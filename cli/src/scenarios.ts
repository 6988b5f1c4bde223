import { readFile } from 'node:fs/promises';
import { BUILT_IN_SCENARIOS, parseScenario, type Scenario } from '@shamba/world';

export const SCENARIO_NAMES = Object.keys(BUILT_IN_SCENARIOS);

/** A built-in scenario by name, or a scenario JSON file by path. */
export async function loadScenario(nameOrFile: string): Promise<Scenario> {
  const builtIn = BUILT_IN_SCENARIOS[nameOrFile];
  if (builtIn !== undefined) return builtIn;
  return parseScenario(JSON.parse(await readFile(nameOrFile, 'utf8')));
}
