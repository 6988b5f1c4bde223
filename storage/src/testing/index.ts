export { hasInfluxd, INFLUXD, startInfluxd, type Influxd, type InfluxdOptions } from './influxd.js';
export { openTempStores, type TempStores } from './temp-stores.js';
