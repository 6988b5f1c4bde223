import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateSecret, hashSecret, verifySecret } from '@shamba/ingest';
import { DAY_MS, type Principal } from '@shamba/schemas';
import {
  DEFAULT_TOKEN_DAYS,
  newToken,
  tokenDigest,
  tokenId,
  type DeviceRecord,
  type Registry,
} from '@shamba/storage';

export type DemoRole = 'admin' | 'manager' | 'agronomist' | 'farmer';

/** The shape of `<data dir>/demo/credentials.json` (issue 2). */
export interface DemoCredentials {
  tokens: Record<DemoRole, string>;
  devices: Record<string, { username: string; password: string }>;
}

/** Demo tokens expire like `shamba token add`'s. */
const DEMO_TOKEN_MS = DEFAULT_TOKEN_DAYS * DAY_MS;
/**
 * A kept token must have a day left: a demo restarted on a token's last day would otherwise
 * lose its API mid-session.
 */
const RENEW_BEFORE_MS = DAY_MS;

/** The demo's tokens carry this label, so a restart finds (and revokes) its own. */
export const demoTokenLabel = (role: DemoRole) => `demo:${role}`;

/** The credentials an earlier run wrote, or undefined when there are none (or unreadable). */
export async function readCredentials(path: string): Promise<DemoCredentials | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<DemoCredentials>;
    const isObject = (v: unknown) => typeof v === 'object' && v !== null;
    if (!isObject(parsed.tokens) || !isObject(parsed.devices)) return undefined;
    return parsed as DemoCredentials;
  } catch {
    return undefined; // none yet, or torn: the demo issues new ones
  }
}

export async function writeCredentials(path: string, credentials: DemoCredentials): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Secrets: readable by the owner only.
  await writeFile(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

/**
 * The device's earlier secret when the registry still holds its hash (checked with the ingest's
 * own verification), else a new one: a restarted demo does not rotate every device's secret.
 */
export async function keepOrIssueSecret(
  registry: Registry,
  device: Omit<DeviceRecord, 'secretHash'>,
  previous: string | undefined,
): Promise<{ password: string; secretHash: string }> {
  const existing = await registry.devices.get(device.id);
  if (
    previous !== undefined &&
    existing !== undefined &&
    existing.coopId === device.coopId &&
    (await verifySecret(previous, existing.secretHash))
  )
    return { password: previous, secretHash: existing.secretHash };
  const password = generateSecret();
  return { password, secretHash: await hashSecret(password) };
}

/** The demo token wanted for one role: who it acts for, when, and the earlier run's token. */
export interface DemoTokenRequest {
  role: DemoRole;
  who: Principal;
  /** The wall clock now: the token's creation and expiry are counted from it. */
  nowMs: number;
  /** The earlier run's token for this role, if it wrote one. */
  previous: string | undefined;
}

/**
 * Keeps the earlier run's token for a role while the registry still accepts it for the same
 * principal (unexpired, unrevoked, a day left); otherwise issues a new one. Either way every other
 * token labelled for this role is revoked, and so is any unlabelled token for exactly the demo's
 * principal (issued by the demo before tokens had labels), so restarts never multiply tokens.
 */
export async function keepOrIssueToken(
  registry: Registry,
  { role, who, nowMs, previous }: DemoTokenRequest,
): Promise<string> {
  const label = demoTokenLabel(role);
  let token: string | undefined;
  if (previous !== undefined) {
    const previousId = tokenId(tokenDigest(previous));
    const labelled = (await registry.tokens.list({ label })).some((t) => t.id === previousId);
    const found = await registry.tokens.find(tokenDigest(previous), nowMs + RENEW_BEFORE_MS);
    if (labelled && found !== undefined && samePrincipal(found, who)) token = previous;
  }
  if (token === undefined) {
    const issued = newToken();
    token = issued.token;
    await registry.tokens.add(issued.digest, who, {
      createdMs: nowMs,
      expiresMs: nowMs + DEMO_TOKEN_MS,
      label,
    });
  }
  const keep = tokenId(tokenDigest(token));
  const all = await registry.tokens.list(who.coopId === null ? {} : { coopId: who.coopId });
  for (const old of all) {
    if (old.id === keep || old.revokedMs !== null) continue;
    const legacy = old.label === null && samePrincipal(old.principal, who);
    if (old.label === label || legacy) await registry.tokens.revoke(old.id, nowMs);
  }
  return token;
}

function samePrincipal(a: Principal, b: Principal): boolean {
  return (
    a.role === b.role && a.coopId === b.coopId && a.farmerId === b.farmerId && a.name === b.name
  );
}
