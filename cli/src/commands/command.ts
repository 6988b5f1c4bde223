import type { Config } from '../config.js';

/** A subcommand: its usage text and what it does with the arguments after its name. */
export interface Command {
  name: string;
  usage: string;
  run(args: string[], env: NodeJS.ProcessEnv): Promise<number>;
}

export const CONFIG_FLAGS = {
  'data-dir': { type: 'string' },
  'mqtt-host': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'api-host': { type: 'string' },
  'api-port': { type: 'string' },
  'device-rate': { type: 'string' },
  'device-burst': { type: 'string' },
  workers: { type: 'string' },
  'log-level': { type: 'string' },
  store: { type: 'string' },
  'influx-url': { type: 'string' },
  'influx-database': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CONFIG_USAGE = `Options (flag, environment variable, default):
  --data-dir DIR        SHAMBA_DATA_DIR      ./data          SQLite files and demo credentials
  --mqtt-host HOST      SHAMBA_MQTT_HOST     127.0.0.1       0.0.0.0 to accept field devices
  --mqtt-port PORT      SHAMBA_MQTT_PORT     1883            MQTT over TCP (0: any free port)
  --api-host HOST       SHAMBA_API_HOST      127.0.0.1
  --api-port PORT       SHAMBA_API_PORT      8787            (0: any free port)
  --device-rate N       SHAMBA_DEVICE_RATE   1               messages per second per device, sustained
  --device-burst N      SHAMBA_DEVICE_BURST  60              messages per device at once
  --workers N           SHAMBA_WORKERS       cores - 1       analytics worker threads (0: main thread)
  --log-level LEVEL     SHAMBA_LOG_LEVEL     info            fatal|error|warn|info|debug|trace|silent
  --store KIND          SHAMBA_STORE         sqlite          sqlite or influxdb (time series)
  --influx-url URL      SHAMBA_INFLUX_URL    http://127.0.0.1:8086
  --influx-database DB  SHAMBA_INFLUX_DATABASE shamba      (1.x database or 2.x bucket)
                        SHAMBA_INFLUX_TOKEN                2.x/3.x token, or 1.x user:password
  -h, --help                                                 this text`;

/** The configuration flags given (kebab-case) as `loadConfig` takes them (camelCase). */
export function configFlags(
  values: Record<string, string | boolean | undefined>,
): Partial<Record<keyof Config, string>> {
  const flags: Partial<Record<keyof Config, string>> = {};
  for (const name of Object.keys(CONFIG_FLAGS)) {
    const value = values[name];
    if (typeof value !== 'string') continue;
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof Config;
    flags[key] = value;
  }
  return flags;
}
