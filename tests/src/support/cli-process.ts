import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { builtCliEnv } from '@shamba/cli/build';

const require = createRequire(import.meta.url);
const CLI_BIN = join(dirname(require.resolve('@shamba/cli/package.json')), 'src', 'bin.ts');
// tsx's loader in this very process, not the tsx CLI: the CLI runs the program in a child of its
// own, which a SIGKILL to the parent would leave running.
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

/**
 * Runs `shamba <args>` as a real child process, as a user would from the README: from the
 * sources through tsx, or with `built` the compiled CLI that `pnpm start` runs (`pnpm build`).
 */
export function spawnShamba(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { built?: string } = {},
): ChildProcessWithoutNullStreams & AsyncDisposable {
  const child =
    options.built === undefined
      ? spawn(process.execPath, ['--import', TSX_LOADER, CLI_BIN, ...args], {
          env: { ...process.env, ...env },
        })
      : spawn(options.built, args, { env: { ...builtCliEnv(), ...env } });
  return Object.assign(child, {
    [Symbol.asyncDispose]: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  });
}

/** Resolves with the first match of `pattern` in the child's stdout. */
export function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${seen}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${seen}`));
    });
  });
}

/** Runs `shamba <args>` to its end with `stdin`, collecting what it printed and its exit code. */
export async function runShamba(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  await using child = spawnShamba(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
