import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DAY_MS, RoleSchema, ShambaError } from '@shamba/schemas';
import {
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
  createSqliteRegistry,
  newToken,
  type TokenRecord,
} from '@shamba/storage';
import { loadConfig } from '../config.js';
import type { Command } from './command.js';

export const tokenCommand: Command = {
  name: 'token',
  usage: `Usage: shamba token add --role ROLE [--coop COOP] [--farmer FARMER] [--name NAME] [--label LABEL] [--days N] [--data-dir DIR]
       shamba token list [--coop COOP] [--data-dir DIR]
       shamba token revoke ID [--data-dir DIR]

add     issues a random bearer token, printed once as JSON ({"id", "role", "token", "expires"});
        only its SHA-256 is stored. ROLE: admin, manager, agronomist, farmer, technician. Every
        role but admin needs --coop (an existing cooperative); a farmer needs --farmer. It
        expires after --days N days (default ${DEFAULT_TOKEN_DAYS}, at most ${MAX_TOKEN_DAYS}).
list    prints the tokens, newest first, one JSON line each: id, role, coop, farmer, name, label,
        created, expires, revoked (never the token itself, which is not kept).
revoke  revokes the token with that id (from add or list) at once.`,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        coop: { type: 'string' },
        farmer: { type: 'string' },
        name: { type: 'string' },
        label: { type: 'string' },
        days: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const action = positionals[0];
    if (values.help === true || !['add', 'list', 'revoke'].includes(action ?? '')) {
      console.log(this.usage);
      return values.help === true ? 0 : 2;
    }
    const config = loadConfig({ dataDir: values['data-dir'] }, env);
    const registry = await createSqliteRegistry({ path: join(config.dataDir, 'registry.sqlite') });
    try {
      const nowMs = Date.now();
      if (action === 'list') {
        const filter = values.coop === undefined ? {} : { coopId: values.coop };
        for (const token of await registry.tokens.list(filter))
          console.log(JSON.stringify(describeToken(token)));
        return 0;
      }
      if (action === 'revoke') {
        const id = positionals[1];
        if (id === undefined)
          throw new ShambaError('INVALID_REQUEST', 'say which: token revoke ID');
        if (!(await registry.tokens.revoke(id, nowMs)))
          throw new ShambaError('NOT_FOUND', `no token with id "${id}" (see shamba token list)`);
        console.log(JSON.stringify({ id, revoked: new Date(nowMs).toISOString() }));
        return 0;
      }

      const role = RoleSchema.parse(values.role);
      const days = Number(values.days ?? DEFAULT_TOKEN_DAYS);
      if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)
        throw new ShambaError('INVALID_REQUEST', `--days must be 1 to ${MAX_TOKEN_DAYS}`);
      if (role !== 'admin' && values.coop === undefined)
        throw new ShambaError('INVALID_REQUEST', '--coop is required for this role');
      if (role === 'farmer' && values.farmer === undefined)
        throw new ShambaError('INVALID_REQUEST', '--farmer is required for a farmer');
      // A token for a misspelt cooperative or farmer would open nothing: say so now.
      if (values.coop !== undefined && (await registry.coops.get(values.coop)) === undefined)
        throw new ShambaError('NOT_FOUND', `no cooperative "${values.coop}"`);
      if (values.farmer !== undefined) {
        const farmer = await registry.farmers.get(values.farmer);
        if (farmer === undefined || farmer.coopId !== values.coop)
          throw new ShambaError('NOT_FOUND', `no farmer "${values.farmer}" in "${values.coop}"`);
      }
      const { token, digest } = newToken();
      const record = await registry.tokens.add(
        digest,
        {
          role,
          coopId: values.coop ?? null,
          farmerId: values.farmer ?? null,
          name: values.name ?? role,
        },
        {
          createdMs: nowMs,
          expiresMs: nowMs + days * DAY_MS,
          ...(values.label === undefined ? {} : { label: values.label }),
        },
      );
      console.log(JSON.stringify({ id: record.id, role, token, expires: iso(record.expiresMs) }));
      return 0;
    } finally {
      await registry.close();
    }
  },
};

/** What `token list` shows of a token: everything but a secret, which the registry never had. */
export function describeToken(token: TokenRecord) {
  return {
    id: token.id,
    role: token.principal.role,
    coop: token.principal.coopId,
    farmer: token.principal.farmerId,
    name: token.principal.name,
    label: token.label,
    created: iso(token.createdMs),
    expires: iso(token.expiresMs),
    revoked: iso(token.revokedMs),
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
