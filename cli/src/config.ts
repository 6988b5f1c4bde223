import { z } from 'zod';

/**
 * All configuration, from flags and SHAMBA_* environment variables, parsed once here and passed
 * down as plain options (STYLE.md). Every default works on a bare machine.
 */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  /** Loopback by default; set SHAMBA_MQTT_HOST=0.0.0.0 for field devices on the network. */
  mqttHost: z.string().default('127.0.0.1'),
  mqttPort: z.coerce.number().int().min(0).max(65535).default(1883),
  apiHost: z.string().default('127.0.0.1'),
  apiPort: z.coerce.number().int().min(0).max(65535).default(8787),
  /**
   * Per-device message rate: sustained messages per second and the burst allowed at once
   * (defaults in @shamba/ingest: one a second, 60 at once, room for a flash-queue replay).
   */
  deviceRate: z.coerce.number().positive().optional(),
  deviceBurst: z.coerce.number().int().positive().optional(),
  /** Analytics worker threads; 0 computes in the main thread. */
  workers: z.coerce.number().int().min(0).max(64).optional(),
  analyticsIntervalMs: z.coerce.number().int().min(100).default(5000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Time-series store: the embedded SQLite file, or InfluxDB (1.x, 2.x, 3.x) behind a spool. */
  store: z.enum(['sqlite', 'influxdb']).default('sqlite'),
  influxUrl: z.url().default('http://127.0.0.1:8086'),
  influxDatabase: z.string().min(1).default('shamba'),
  influxToken: z.string().optional(),
  /**
   * The only hosts remote scenes (STAC item URLs, band URLs, their redirects) are fetched from,
   * comma-separated: exact names, or `*.example.com` for its subdomains. Unset: any host with a
   * public address.
   */
  sceneHosts: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter((host) => host !== ''),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
              'a host name, or *.domain',
            ),
        )
        .min(1),
    )
    .optional(),
  /**
   * Where messages to farmers go: `smpp://SYSTEM_ID:PASSWORD@HOST:PORT` (`smpps://` for TLS), or
   * an HTTP provider, `https://USERNAME:APIKEY@api.africastalking.com`. Unset: the outbox only
   * (messages are kept and shown, nothing is sent).
   */
  smsGateway: z.string().min(1).optional(),
  /**
   * The sender the farmer sees: +E.164, a short code, or up to 11 letters and digits (default:
   * `Shamba` over SMPP, the account's default sender with an HTTP provider).
   */
  smsSender: z.string().min(1).max(16).optional(),
  /** SMS segments a cooperative may spend in a month; unset: no limit. */
  smsBudget: z.coerce.number().int().positive().optional(),
  /** Prescription messages a farmer gets in a day at most (3: water, nitrogen, one change). */
  smsPerDay: z.coerce.number().int().min(1).max(20).default(3),
  /** The secret in the HTTP provider's callback URLs (/v1/sms/callbacks/SECRET/...). */
  smsCallbackToken: z.string().min(16).optional(),
  /**
   * The cooperative's BeiDou short-message terminal, for farmers on channel `beidou`: its serial
   * line through a serial device server, `tcp://HOST:PORT`. Unset: BeiDou messages stay in the
   * outbox.
   */
  beidouTerminal: z
    .string()
    .regex(/^tcp:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/i, 'tcp://HOST:PORT')
    .optional(),
});
export type Config = z.infer<typeof ConfigSchema>;

/** Which environment variable feeds which option. */
export const ENV_VARS: Record<keyof Config, string> = {
  dataDir: 'SHAMBA_DATA_DIR',
  mqttHost: 'SHAMBA_MQTT_HOST',
  mqttPort: 'SHAMBA_MQTT_PORT',
  apiHost: 'SHAMBA_API_HOST',
  apiPort: 'SHAMBA_API_PORT',
  deviceRate: 'SHAMBA_DEVICE_RATE',
  deviceBurst: 'SHAMBA_DEVICE_BURST',
  workers: 'SHAMBA_WORKERS',
  analyticsIntervalMs: 'SHAMBA_ANALYTICS_INTERVAL_MS',
  logLevel: 'SHAMBA_LOG_LEVEL',
  store: 'SHAMBA_STORE',
  influxUrl: 'SHAMBA_INFLUX_URL',
  influxDatabase: 'SHAMBA_INFLUX_DATABASE',
  influxToken: 'SHAMBA_INFLUX_TOKEN',
  sceneHosts: 'SHAMBA_SCENE_HOSTS',
  smsGateway: 'SHAMBA_SMS_GATEWAY',
  smsSender: 'SHAMBA_SMS_SENDER',
  smsBudget: 'SHAMBA_SMS_BUDGET',
  smsPerDay: 'SHAMBA_SMS_PER_DAY',
  smsCallbackToken: 'SHAMBA_SMS_CALLBACK_TOKEN',
  beidouTerminal: 'SHAMBA_BEIDOU_TERMINAL',
};

/** Flags win over environment variables, which win over defaults. */
export function loadConfig(
  flags: Partial<Record<keyof Config, string | undefined>>,
  env: NodeJS.ProcessEnv,
): Config {
  const raw: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENV_VARS)) {
    const value = flags[key as keyof Config] ?? env[variable];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
