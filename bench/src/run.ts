import { exportBench } from './export-bench.js';
import { ingestBench } from './ingest-bench.js';
import { prescriptionsBench } from './prescriptions-bench.js';
import { rasterBench } from './raster-bench.js';
import { yieldBench } from './yield-bench.js';

/** `pnpm bench [name]`: runs the named benchmarks (all by default), one JSON line each. */
const BENCHES: Record<string, () => Promise<Record<string, number>>> = {
  export: exportBench,
  ingest: ingestBench,
  prescriptions: prescriptionsBench,
  raster: rasterBench,
  yield: yieldBench,
};

const names = process.argv.slice(2).filter((a) => a !== '--');
for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
  const bench = BENCHES[name];
  if (bench === undefined) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  console.log(JSON.stringify({ bench: name, ...(await bench()) }));
}
