import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runShamba } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { version: string; owner: string | null; promoted: boolean });

// `shamba model ... --coop ID` (issue 13 #4): a version belongs to a cooperative or is shared;
// a cooperative promotes only its own or adopts a shared one, never another's.
describe('shamba model --coop', () => {
  it('trains, lists and promotes per cooperative', { timeout: 120_000 }, async () => {
    using dir = tempDir();
    const tiny = ['--seasons', '4', '--epochs', '5', '--hidden-units', '4', '--data-dir', dir.path];
    const train = async (extra: string[]) => {
      const r = await runShamba(['model', 'train', ...tiny, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { version: string; owner: string | null; promoted: boolean };
    };
    const shared = await train(['--promote']);
    const a = await train(['--coop', 'coop-a', '--promote']);
    const b = await train(['--coop', 'coop-b']);
    expect([shared.owner, a.owner, b.owner]).toEqual([null, 'coop-a', 'coop-b']);
    expect(readdirSync(`${dir.path}/models/coops/coop-a/yield`).sort()).toEqual([
      'promoted.json',
      a.version,
    ]);

    // B cannot promote A's version; it may adopt the shared one.
    const stolen = await runShamba([
      'model',
      'promote',
      a.version,
      '--coop',
      'coop-b',
      '--data-dir',
      dir.path,
    ]);
    expect(stolen.code).toBe(1);
    expect(stolen.stderr).toMatch(new RegExp(`no yield model version ${a.version}`));
    const adopted = await runShamba([
      'model',
      'promote',
      shared.version,
      '--coop',
      'coop-b',
      '--data-dir',
      dir.path,
    ]);
    expect(JSON.parse(adopted.stdout)).toEqual({
      coop: 'coop-b',
      promoted: shared.version,
      owner: null,
    });

    const listB = await runShamba(['model', 'list', '--coop', 'coop-b', '--data-dir', dir.path]);
    expect(lines(listB.stdout).map((v) => [v.version, v.owner, v.promoted])).toEqual([
      [shared.version, null, true],
      [b.version, 'coop-b', false],
    ]);
    const all = await runShamba(['model', 'list', '--data-dir', dir.path]);
    expect(lines(all.stdout).map((v) => [v.version, v.owner, v.promoted])).toEqual([
      [shared.version, null, true],
      [a.version, 'coop-a', true],
      [b.version, 'coop-b', false],
    ]);
    expect(
      (await runShamba(['model', 'list', '--coop', '../x', '--data-dir', dir.path])).code,
    ).toBe(1);
  });
});
