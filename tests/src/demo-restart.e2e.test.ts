import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
import { createSqliteRegistry, tokenDigest } from '@shamba/storage';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { tempDir } from './support/temp-dir.js';

interface Credentials {
  tokens: Record<string, string>;
  devices: Record<string, { username: string; password: string }>;
}

/** Every path under `root` whose permission bits are not the owner's alone (0600, dirs 0700). */
function notPrivate(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).flatMap((rel) => {
    const stat = statSync(join(root, rel));
    const want = stat.isDirectory() ? 0o700 : 0o600;
    return (stat.mode & 0o777) === want ? [] : [`${rel} ${(stat.mode & 0o777).toString(8)}`];
  });
}

/** `shamba start --demo` until its API is up, then SIGTERM; returns what it wrote. */
async function startAndStop(dataDir: string): Promise<Credentials> {
  await using child = spawnShamba([
    'start',
    '--demo',
    '--days',
    '0', // one simulated sample: this test is about credentials, not readings
    '--data-dir',
    dataDir,
    '--mqtt-port',
    '0',
    '--api-port',
    '0',
    '--workers',
    '0',
  ]);
  await waitForOutput(child, /API\s+http:\/\/127\.0\.0\.1:\d+\/v1/, 30_000);
  const credentials = JSON.parse(
    await readFile(join(dataDir, 'demo', 'credentials.json'), 'utf8'),
  ) as Credentials;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return credentials;
}

// Issue 13, case 13: each `start --demo` added four tokens and revoked none (after 13 restarts,
// 14 admin tokens were valid), and rotated every device secret.
describe('shamba start --demo, restarted', () => {
  it(
    'keeps its tokens and device secrets, one valid token per role, and revokes older ones',
    { timeout: 120_000 },
    async () => {
      using dir = tempDir();
      // A token an earlier version of the demo issued: no label, no expiry.
      const legacy = randomBytes(32).toString('base64url');
      {
        const registry = await createSqliteRegistry({ path: join(dir.path, 'registry.sqlite') });
        await registry.tokens.add(
          tokenDigest(legacy),
          { role: 'admin', coopId: null, farmerId: null, name: 'Shamba administrator' },
          { createdMs: Date.now() - DAY_MS, expiresMs: null },
        );
        await registry.close();
      }

      const first = await startAndStop(dir.path);
      expect(Object.keys(first.tokens).sort()).toEqual([
        'admin',
        'agronomist',
        'farmer',
        'manager',
      ]);
      expect(Object.keys(first.devices)).toHaveLength(20);
      for (let restart = 1; restart <= 3; restart++)
        expect(await startAndStop(dir.path)).toEqual(first);

      const registry = await createSqliteRegistry({ path: join(dir.path, 'registry.sqlite') });
      try {
        const now = Date.now();
        const all = await registry.tokens.list();
        const valid = all.filter(
          (t) => t.revokedMs === null && (t.expiresMs === null || t.expiresMs > now),
        );
        // Exactly the four in credentials.json, one per role, each labelled for it.
        expect(
          valid
            .map((t) => [t.label, t.principal.role, t.id])
            .sort(([a], [b]) => a!.localeCompare(b!)),
        ).toEqual(
          ['admin', 'agronomist', 'farmer', 'manager'].map((role) => [
            `demo:${role}`,
            role,
            tokenDigest(first.tokens[role]!).slice(0, 16),
          ]),
        );
        expect(all).toHaveLength(5); // the four, and the legacy one, now revoked
        expect(await registry.tokens.find(tokenDigest(legacy), now)).toBeUndefined();
      } finally {
        await registry.close();
      }
    },
  );

  it(
    'issues a new token for a role whose token was revoked, and revokes nothing else',
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      const first = await startAndStop(dir.path);
      const managerId = tokenDigest(first.tokens.manager!).slice(0, 16);
      {
        const registry = await createSqliteRegistry({ path: join(dir.path, 'registry.sqlite') });
        expect(await registry.tokens.revoke(managerId, Date.now())).toBe(true);
        await registry.close();
      }
      const second = await startAndStop(dir.path);
      expect(second.tokens.manager).not.toBe(first.tokens.manager);
      expect({ ...second, tokens: { ...second.tokens, manager: 'x' } }).toEqual({
        ...first,
        tokens: { ...first.tokens, manager: 'x' },
      });
      // Issue 13, case 20: registry, time series, credentials, simulator state and scenes are
      // the owner's alone (the CLI's umask 077).
      expect(readdirSync(dir.path).length).toBeGreaterThanOrEqual(4);
      expect(notPrivate(dir.path)).toEqual([]);
      const registry = await createSqliteRegistry({ path: join(dir.path, 'registry.sqlite') });
      try {
        const now = Date.now();
        for (const [role, token] of Object.entries(second.tokens))
          expect([role, (await registry.tokens.find(tokenDigest(token), now))?.role]).toEqual([
            role,
            role,
          ]);
      } finally {
        await registry.close();
      }
    },
  );
});
