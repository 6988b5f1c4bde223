import { HttpError, InfluxDB } from '@influxdata/influxdb-client';

export interface InfluxConnection {
  /** e.g. http://127.0.0.1:8086 */
  url: string;
  /** InfluxDB 2.x/3.x API token, or 1.x `username:password`. */
  token?: string;
  timeoutMs?: number;
}

export interface InfluxSeries {
  name: string;
  columns: string[];
  values: (string | number | null)[][];
}

export type WriteOutcome =
  | { ok: true }
  | {
      ok: false;
      kind: 'rejected' | 'too-large' | 'unauthorized' | 'unavailable';
      status: number | null;
      message: string;
    };

/**
 * The HTTP side of InfluxDB through the official client's transport. Writes go to
 * `/api/v2/write` where the server has it (1.8+, 2.x, 3.x) and to the 1.x `/write?db=` before
 * 1.8, chosen from `/ping`'s X-Influxdb-Version; reads use InfluxQL on `/query`, which 1.x, 2.x
 * (v1 compatibility) and 3 Core all answer.
 */
export async function connectInflux(connection: InfluxConnection) {
  const influx = new InfluxDB({
    url: connection.url,
    timeout: connection.timeoutMs ?? 10_000,
    ...(connection.token === undefined ? {} : { token: connection.token }),
  });
  const transport = influx.transport;
  let version = 'unknown';

  async function ping(): Promise<string> {
    const response = await fetch(`${connection.url.replace(/\/$/, '')}/ping`, {
      signal: AbortSignal.timeout(connection.timeoutMs ?? 10_000),
    });
    version = response.headers.get('x-influxdb-version') ?? 'unknown';
    return version;
  }
  await ping().catch(() => undefined); // the spool copes with a server that is down at start

  /** InfluxDB 1.x before 1.8 has no /api/v2/write. */
  const hasV2Write = () => {
    const match = /^v?(\d+)\.(\d+)/.exec(version);
    if (match === null) return false;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    return major > 1 || (major === 1 && minor >= 8);
  };

  return {
    get version() {
      return version;
    },
    ping,
    /** CREATE DATABASE is idempotent in 1.x; 2.x/3.x answer it through v1 compatibility. */
    async createDatabase(database: string): Promise<WriteOutcome> {
      try {
        await transport.request(
          `/query?q=${encodeURIComponent(`CREATE DATABASE "${database.replaceAll('"', '')}"`)}`,
          '',
          { method: 'POST' },
        );
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    async write(database: string, lines: string[]): Promise<WriteOutcome> {
      if (version === 'unknown') await ping().catch(() => undefined);
      const path = hasV2Write()
        ? `/api/v2/write?bucket=${encodeURIComponent(database)}&precision=ms`
        : `/write?db=${encodeURIComponent(database)}&precision=ms`;
      try {
        await transport.request(path, lines.join('\n'), {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
        });
        return { ok: true };
      } catch (error) {
        return classify(error);
      }
    },
    async query(database: string, influxql: string): Promise<InfluxSeries[]> {
      const response = (await transport.request(
        `/query?db=${encodeURIComponent(database)}&epoch=ms&q=${encodeURIComponent(influxql)}`,
        '',
        { method: 'GET' },
      )) as { results?: { series?: InfluxSeries[]; error?: string }[] };
      const [result] = response.results ?? [];
      if (result?.error !== undefined) throw new Error(`InfluxQL: ${result.error}`);
      return result?.series ?? [];
    },
  };
}

export type InfluxHttp = Awaited<ReturnType<typeof connectInflux>>;

function classify(error: unknown): WriteOutcome {
  if (error instanceof HttpError) {
    const message = error.body ?? error.message;
    const status = error.statusCode;
    // 400: some lines are bad (parse error, field type conflict); 413: the batch is too large.
    if (status === 400 || status === 422) return { ok: false, kind: 'rejected', status, message };
    if (status === 413) return { ok: false, kind: 'too-large', status, message };
    if (status === 401 || status === 403)
      return { ok: false, kind: 'unauthorized', status, message };
    return { ok: false, kind: 'unavailable', status, message }; // 429, 5xx, anything else
  }
  return {
    ok: false,
    kind: 'unavailable',
    status: null,
    message: error instanceof Error ? error.message : String(error),
  };
}
