import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
import { tokenDigest } from '@shamba/storage';
import { runShamba } from './support/cli-process.js';
import { COOP, seedCoop, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';
import { problem } from '@shamba/api/testing';

const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// Issue 13, case 13: tokens never expired and could not be revoked.
describe('API tokens expire and can be listed and revoked', () => {
  it(
    'token add (with an expiry), list (never the secret), revoke: the API refuses it at once',
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      await using shamba = await startShamba(dir.path);
      await seedCoop(shamba.registry);
      const status = async (token: string) =>
        (
          await fetch(`${shamba.api.url}/v1/fields`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status;

      const before = Date.now();
      const added = await runShamba([
        'token',
        'add',
        '--role',
        'manager',
        '--coop',
        COOP,
        '--days',
        '30',
        '--label',
        'ops',
        '--data-dir',
        dir.path,
      ]);
      expect(added.code, added.stderr).toBe(0);
      const issued = JSON.parse(added.stdout) as {
        id: string;
        role: string;
        token: string;
        expires: string;
      };
      expect(issued.id).toBe(tokenDigest(issued.token).slice(0, 16));
      expect(issued.role).toBe('manager');
      const expiresMs = Date.parse(issued.expires);
      expect(expiresMs).toBeGreaterThanOrEqual(before + 30 * DAY_MS);
      expect(expiresMs).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS);
      expect(await status(issued.token)).toBe(200);

      // The default lifetime is 90 days.
      const admin = await runShamba(['token', 'add', '--role', 'admin', '--data-dir', dir.path]);
      const adminToken = JSON.parse(admin.stdout) as { id: string; token: string; expires: string };
      const adminDays = (Date.parse(adminToken.expires) - Date.now()) / DAY_MS;
      expect(Math.round(adminDays)).toBe(90);

      const listed = await runShamba(['token', 'list', '--coop', COOP, '--data-dir', dir.path]);
      expect(listed.code).toBe(0);
      const [row, ...others] = lines(listed.stdout);
      expect(others).toEqual([]);
      expect(row).toEqual({
        id: issued.id,
        role: 'manager',
        coop: COOP,
        farmer: null,
        name: 'manager',
        label: 'ops',
        created: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        expires: issued.expires,
        revoked: null,
      });
      const all = await runShamba(['token', 'list', '--data-dir', dir.path]);
      expect(
        lines(all.stdout)
          .map((t) => t.id)
          .sort(),
      ).toEqual([adminToken.id, issued.id].sort());
      // Neither the token nor its full digest is ever printed.
      for (const out of [listed.stdout, all.stdout]) {
        expect(out).not.toContain(issued.token);
        expect(out).not.toContain(tokenDigest(issued.token));
        expect(out).not.toContain(adminToken.token);
      }

      const revoked = await runShamba(['token', 'revoke', issued.id, '--data-dir', dir.path]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(await status(issued.token)).toBe(401);
      expect(await status(adminToken.token)).toBe(200);
      const after = lines(
        (await runShamba(['token', 'list', '--coop', COOP, '--data-dir', dir.path])).stdout,
      );
      expect(after).toEqual([
        { ...row, revoked: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown },
      ]);

      const unknown = await runShamba([
        'token',
        'revoke',
        '0123456789abcdef',
        '--data-dir',
        dir.path,
      ]);
      expect([unknown.code, unknown.stderr]).toEqual([
        1,
        expect.stringMatching(/no token with id "0123456789abcdef"/) as unknown,
      ]);
      const misspelt = await runShamba([
        'token',
        'add',
        '--role',
        'manager',
        '--coop',
        'coop-tset',
        '--data-dir',
        dir.path,
      ]);
      expect([misspelt.code, misspelt.stderr]).toEqual([
        1,
        expect.stringMatching(/no cooperative "coop-tset"/) as unknown,
      ]);
      const forever = await runShamba([
        'token',
        'add',
        '--role',
        'admin',
        '--days',
        '0',
        '--data-dir',
        dir.path,
      ]);
      expect([forever.code, forever.stderr]).toEqual([
        1,
        expect.stringMatching(/--days must be 1 to 366/) as unknown,
      ]);
    },
  );

  it('an expired token gets 401, a current one 200', { timeout: 30_000 }, async () => {
    using dir = tempDir();
    await using shamba = await startShamba(dir.path);
    await seedCoop(shamba.registry);
    const manager = { role: 'manager' as const, coopId: COOP, farmerId: null, name: 'M' };
    const now = Date.now();
    const expired = randomBytes(32).toString('base64url');
    await shamba.registry.tokens.add(tokenDigest(expired), manager, {
      createdMs: now - 91 * DAY_MS,
      expiresMs: now - 1000,
    });
    const current = randomBytes(32).toString('base64url');
    await shamba.registry.tokens.add(tokenDigest(current), manager, {
      createdMs: now,
      expiresMs: now + DAY_MS,
    });
    const answer = async (token: string) => {
      const response = await fetch(`${shamba.api.url}/v1/fields`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body: unknown = await response.json();
      return { status: response.status, body };
    };
    expect(await answer(expired)).toEqual({
      status: 401,
      body: problem('NOT_AUTHENTICATED', 'unknown, expired or revoked token'),
    });
    expect((await answer(current)).status).toBe(200);
  });
});
