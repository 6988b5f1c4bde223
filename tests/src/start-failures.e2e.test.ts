import { once } from 'node:events';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnShamba } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

/**
 * Runs `shamba start` until it exits by itself (the test's timeout fails it otherwise: a process
 * that keeps running after a failure to start is the bug), with its exit code and stderr.
 */
async function startUntilExit(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  await using child = spawnShamba(
    ['start', '--mqtt-port', '0', '--api-port', '0', '--log-level', 'error', ...args],
    env,
  );
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr, stdout };
}

// Issue 15: "`shamba start` on a busy port exits at once with a clear message and a non-zero
// code; so does any other failure to start." Each case below is a box an operator could have.
describe('shamba start that cannot start', () => {
  it('exits 1 when the data directory is a file, saying so', async () => {
    using dir = tempDir();
    const dataDir = join(dir.path, 'data');
    writeFileSync(dataDir, 'not a directory');
    const { code, stderr } = await startUntilExit(['--data-dir', dataDir]);
    expect(code, stderr).toBe(1);
    expect(stderr).toBe(
      `shamba start: the data directory ${dataDir} is not a directory (a file is in its place or on its path)\n`,
    );
  }, 30_000);

  it('exits 1 when the registry is not a SQLite database, naming the file and what to do', async () => {
    using dir = tempDir();
    mkdirSync(dir.path, { recursive: true });
    writeFileSync(join(dir.path, 'registry.sqlite'), 'PK\u0003\u0004 a zip file copied over it');
    const { code, stderr, stdout } = await startUntilExit(['--data-dir', dir.path]);
    expect(code, stderr).toBe(1);
    expect(stderr).toBe(
      `shamba start: ${join(dir.path, 'registry.sqlite')} (the registry (cooperatives, fields, devices, prescriptions)) ` +
        "is not a SQLite database: it is damaged or another program's file. Restore it from a " +
        'backup, or move it aside to start with an empty one\n',
    );
    expect(stdout).toBe('');
  }, 30_000);

  it('exits 1 when the scenes folder is a file, instead of running with no scene ever read', async () => {
    using dir = tempDir();
    writeFileSync(join(dir.path, 'scenes'), '');
    const { code, stderr, stdout } = await startUntilExit(['--data-dir', dir.path]);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/^shamba start: the scenes folder .*\/scenes is not a directory/);
    expect(stdout).toBe('');
  }, 30_000);

  it('exits 1 when the demo cannot write its credentials, closing the broker, workers and API it had opened', async () => {
    using dir = tempDir();
    // A directory where the credentials file goes: found only once the demo is seeded.
    mkdirSync(join(dir.path, 'demo', 'credentials.json'), { recursive: true });
    const { code, stderr, stdout } = await startUntilExit(['--data-dir', dir.path, '--demo']);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(
      /^shamba start: could not start: EISDIR: illegal operation on a directory/m,
    );
    expect(stdout).not.toMatch(/running/);
    // The registry was opened and seeded, and closed: SQLite's -wal file checkpointed away.
    expect(readdirSync(dir.path).filter((n) => n.endsWith('-wal'))).toEqual([]);
  }, 60_000);

  it('exits 1 on an invalid setting, naming it', async () => {
    using dir = tempDir();
    const { code, stderr } = await startUntilExit(['--data-dir', dir.path], {
      SHAMBA_STORE: 'postgres',
    });
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/^shamba start: invalid configuration:\n.*store/s);
  }, 30_000);

  it('keeps running when InfluxDB is away at start (readings spool), and says so at once', async () => {
    using dir = tempDir();
    await using child = spawnShamba(
      ['start', '--data-dir', dir.path, '--mqtt-port', '0', '--api-port', '0'],
      // Port 9 (discard): nothing listens on loopback, the connection is refused at once.
      {
        SHAMBA_STORE: 'influxdb',
        SHAMBA_INFLUX_URL: 'http://127.0.0.1:9',
        SHAMBA_LOG_LEVEL: 'error',
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Shamba is running')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    expect(stderr).toMatch(
      /shamba start: warning: InfluxDB at http:\/\/127\.0\.0\.1:9 does not answer \(.+\); readings are kept in the spool until it does/,
    );
  }, 30_000);
});
