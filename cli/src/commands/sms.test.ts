import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const CLI_BIN = fileURLToPath(new URL('../bin.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/**
 * Runs `shamba <args>` as a real process, as a user would from a shell. `stdin` as a list of
 * chunks is written one chunk at a time, so the process reads them as separate chunks.
 */
async function shamba(args: string[], stdin: string | Buffer[] = '') {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_BIN, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (typeof stdin === 'string') child.stdin.end(stdin);
  else {
    for (const chunk of stdin) {
      child.stdin.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.stdin.end();
  }
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('shamba sms count', { timeout: 30_000 }, () => {
  it('prints exactly one JSON line, keys in order, after dropping one trailing newline', async () => {
    expect(await shamba(['sms', 'count', '--json'], 'hello\n')).toEqual({
      code: 0,
      stdout: '{"encoding":"GSM-7","segments":1,"unitsLeft":155}\n',
      stderr: '',
    });
  });

  it('drops a trailing CRLF, but only one newline', async () => {
    const crlf = await shamba(['sms', 'count', '--json'], `${'a'.repeat(160)}\r\n`);
    expect(crlf.stdout).toBe('{"encoding":"GSM-7","segments":1,"unitsLeft":0}\n');
    // The second newline is text: 161 septets, two parts (153 + 8).
    const two = await shamba(['sms', 'count', '--json'], `${'a'.repeat(160)}\n\n`);
    expect(two.stdout).toBe('{"encoding":"GSM-7","segments":2,"unitsLeft":145}\n');
  });

  it('reads stdin as UTF-8, even a character split across chunks, and counts UCS-2', async () => {
    // Amharic (9 units), a space and an emoji (a surrogate pair: 2 units) = 12 of 70.
    const bytes = Buffer.from('ነገ ውሃ ያጠጡ 🌧\n', 'utf8');
    const chunks = [bytes.subarray(0, 4), bytes.subarray(4)]; // cuts the 3-byte 'ገ' after 1 byte
    expect((await shamba(['sms', 'count', '--json'], chunks)).stdout).toBe(
      '{"encoding":"UCS-2","segments":1,"unitsLeft":58}\n',
    );
  });

  it('prints a human line without --json', async () => {
    const result = await shamba(['sms', 'count'], `${'a'.repeat(152)}€${'b'.repeat(10)}\n`);
    expect(result).toEqual({
      code: 0,
      stdout: 'GSM-7, 2 segments, 164 septets, 141 left in the last segment\n',
      stderr: '',
    });
  });

  it('counts empty input as one GSM-7 segment with 160 septets left', async () => {
    expect((await shamba(['sms', 'count', '--json'], '')).stdout).toBe(
      '{"encoding":"GSM-7","segments":1,"unitsLeft":160}\n',
    );
  });
});

describe('shamba sms', { timeout: 30_000 }, () => {
  it('lists its subcommands on --help', async () => {
    const result = await shamba(['sms', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: shamba sms <subcommand>/);
    expect(result.stdout).toMatch(/^ {2}count +how a text goes as SMS/m);
    expect(result.stdout).toMatch(/^ {2}outbox +the messages to farmers/m);
  });

  it('refuses an unknown subcommand with exit code 2', async () => {
    const result = await shamba(['sms', 'send']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^unknown subcommand "send"/);
  });
});
