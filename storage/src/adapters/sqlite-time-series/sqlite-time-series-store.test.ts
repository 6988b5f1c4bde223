import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTimeSeriesStore } from '../../conformance/time-series-store.conformance.js';
import { createSqliteTimeSeriesStore } from './sqlite-time-series-store.js';

describeTimeSeriesStore('sqlite', {
  newLocation: () => join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite'),
  open: (path) => createSqliteTimeSeriesStore({ path }),
});
