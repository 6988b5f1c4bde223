import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { StoredReading } from '@shamba/schemas';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';

/**
 * `pnpm bench export`: `shamba export` of a cooperative with N soil readings (100 probes every
 * 15 minutes; BENCH_EXPORT_READINGS, default 1,000,000), against a peer doing the least the same
 * output needs: the sqlite3 CLI dumping the same rows as CSV (`-csv`), piped through `gzip -6`
 * (the same deflate level). Each runs as its own process; peak RSS is VmHWM from
 * /proc/<pid>/status (proc(5)), polled until exit. Ratios are ours / peer.
 */
const READINGS = Number(process.env.BENCH_EXPORT_READINGS ?? 1_000_000);
const PROBES = 100;
const T0 = Date.UTC(2025, 0, 1);
const MB = 1024 * 1024;

const require = createRequire(import.meta.url);
const CLI_BIN = join(dirname(require.resolve('@shamba/cli/package.json')), 'src', 'bin.ts');
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

async function seed(dir: string): Promise<void> {
  const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  await registry.coops.upsert({ id: 'bench', name: 'Bench', countryCode: 'ET', timezone: 'UTC' });
  await registry.close();
  const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
  for (let start = 0; start < READINGS; start += 10_000) {
    const batch: StoredReading[] = [];
    for (let i = start; i < Math.min(READINGS, start + 10_000); i++) {
      const instant = Math.floor(i / PROBES);
      batch.push({
        deviceId: `probe-${i % PROBES}`,
        stream: 'soil',
        timeMs: T0 + instant * 900_000,
        seq: instant,
        values: { vwc10: Math.round(Math.random() * 4000) / 10_000, soilTempC: 15 + (i % 97) / 10 },
        coopId: 'bench',
        fieldId: `field-${i % PROBES}`,
        zoneId: null,
        receivedMs: T0 + instant * 900_000 + 1500,
      });
    }
    await store.write(batch);
  }
  await store.close(); // merges the inbox: both sides read the indexed table
}

/** Peak resident set of a process so far, bytes (VmHWM), or 0 once it is gone. */
function peakRss(pid: number): number {
  try {
    const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return line === null ? 0 : Number(line[1]) * 1024;
  } catch {
    return 0;
  }
}

/** Waits for every process to exit, polling their peak RSS; the sum of the peaks. */
async function run(children: ChildProcess[]): Promise<{ seconds: number; peakRssBytes: number }> {
  const started = performance.now();
  const peaks = children.map(() => 0);
  const poll = setInterval(() => {
    children.forEach((c, i) => (peaks[i] = Math.max(peaks[i]!, peakRss(c.pid!))));
  }, 20);
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve, reject) =>
          c.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`)))),
        ),
    ),
  );
  clearInterval(poll);
  return {
    seconds: (performance.now() - started) / 1000,
    peakRssBytes: peaks.reduce((a, b) => a + b),
  };
}

export async function exportBench(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-bench-export-'));
  try {
    await seed(dir);
    const zip = join(dir, 'export.zip');
    // The CLI's start-up (tsx compiling, modules loading), to tell apart from the export's work.
    const startup = await run([
      spawn(process.execPath, ['--import', TSX_LOADER, CLI_BIN, 'export', '--help'], {
        stdio: 'ignore',
      }),
    ]);
    const ours = await run([
      spawn(
        process.execPath,
        [
          '--import',
          TSX_LOADER,
          CLI_BIN,
          'export',
          '--coop',
          'bench',
          '--out',
          zip,
          '--data-dir',
          dir,
        ],
        { stdio: 'inherit' },
      ),
    ]);
    const gz = join(dir, 'peer.csv.gz');
    const dump = spawn(
      'sqlite3',
      [
        '-csv',
        '-header',
        join(dir, 'timeseries.sqlite'),
        'SELECT time_ms, device_id, seq, field_id, zone_id, received_ms, values_json FROM readings ORDER BY time_ms, device_id',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const out = openSync(gz, 'w');
    const gzip = spawn('gzip', ['-6'], { stdio: [dump.stdout, out, 'inherit'] });
    const peer = await run([dump, gzip]);
    closeSync(out);
    const zipMb = statSync(zip).size / MB;
    const peerMb = statSync(gz).size / MB;
    // What each wrote before compression: unzip's listing total, gzip's uncompressed size.
    const oursTextMb = lastNumber(execFileSync('unzip', ['-l', zip], { encoding: 'utf8' }), 0) / MB;
    const peerTextMb = lastNumber(execFileSync('gzip', ['-l', gz], { encoding: 'utf8' }), 1) / MB;
    const work = ours.seconds - startup.seconds;
    return {
      readings: READINGS,
      oursSeconds: round(ours.seconds),
      cliStartupSeconds: round(startup.seconds),
      oursReadingsPerSecond: Math.round(READINGS / work),
      peerReadingsPerSecond: Math.round(READINGS / peer.seconds),
      oursZipMb: round(zipMb),
      oursUncompressedMbPerSecond: round(oursTextMb / work),
      peerUncompressedMbPerSecond: round(peerTextMb / peer.seconds),
      oursPeakRssMb: round(ours.peakRssBytes / MB),
      peerSeconds: round(peer.seconds),
      peerGzipMb: round(peerMb),
      peerPeakRssMb: round(peer.peakRssBytes / MB),
      timeRatio: round(ours.seconds / peer.seconds),
      timeRatioAfterStartup: round(work / peer.seconds),
      peakRssRatio: round(ours.peakRssBytes / peer.peakRssBytes),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The `index`th number on the last line of a tool's listing (its totals line). */
function lastNumber(listing: string, index: number): number {
  const numbers = listing.trim().split('\n').at(-1)!.trim().split(/\s+/).map(Number);
  return numbers[index]!;
}
