import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from '../config.js';
import { openIngestNode, rateLimit, storeOptions } from '../ingest-node.js';
import { CONFIG_FLAGS, CONFIG_USAGE, configFlags, type Command } from './command.js';

export const ingestCommand: Command = {
  name: 'ingest',
  usage: `Usage: shamba ingest [options]

Runs the MQTT broker with the ingest pipeline (authentication, topic ACL, limits, decoding,
validation, durable commit before every PUBACK) into the configured store, and nothing else:
for an ingest node of a programme, or a box that only collects. Prometheus metrics are served
at http://<api host>:<api port>/metrics.

${CONFIG_USAGE}`,
  async run(args, env) {
    const { values } = parseArgs({ args, options: CONFIG_FLAGS });
    if (values.help === true) {
      console.log(this.usage);
      return 0;
    }
    const config = loadConfig(configFlags(values), env);
    const logger = pino({ level: config.logLevel }, pino.destination(2));
    const metrics = new MetricsRegistry();
    collectDefaultMetrics({ register: metrics });
    const rate = rateLimit(config);
    const ingest = await openIngestNode({
      dataDir: config.dataDir,
      logger,
      metrics,
      store: storeOptions(config),
      mqtt: {
        host: config.mqttHost,
        port: config.mqttPort,
        ...(rate === undefined ? {} : { limits: { rate } }),
      },
    });
    const http = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/metrics') {
        metrics.metrics().then(
          (body) => response.writeHead(200, { 'content-type': metrics.contentType }).end(body),
          () => response.writeHead(500).end(),
        );
        return;
      }
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    await new Promise<void>((resolve) => http.listen(config.apiPort, config.apiHost, resolve));
    const { port } = http.address() as AddressInfo;
    console.log(
      `Shamba ingest is running. MQTT ${ingest.mqttUrl}, metrics http://${config.apiHost}:${port}/metrics. Press Ctrl+C to stop.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await ingest.close();
    return 0;
  },
};
