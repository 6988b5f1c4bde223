import { access, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ShambaError, isId } from '@shamba/schemas';
import { sharedFolderOwner } from './legacy-owner.js';
import type { ModelOwner } from './model-store.js';

/**
 * Where model versions are on disk (see ModelStore): `<dir>/<kind>/<version>/` for shared ones,
 * `<dir>/coops/<coopId>/<kind>/<version>/` for a cooperative's; each folder's `promoted.json`.
 */

const VERSION = /^[a-z0-9][a-z0-9-]{0,79}$/;
/** The folder of cooperatives' models under the shared root; never a model kind. */
const COOPS = 'coops';

/** The folder an owner's models live in (`<dir>` for shared ones). */
export function modelOwnerDir(dir: string, owner: ModelOwner): string {
  if (owner === null) return dir;
  if (!isId(owner)) throw new ShambaError('INVALID_REQUEST', `not a cooperative id: ${owner}`);
  return join(dir, COOPS, owner);
}

/** The cooperatives that have a models folder, sorted. */
export async function modelOwners(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, COOPS), { withFileTypes: true }).catch(() => []);
  return names
    .filter((d) => d.isDirectory() && isId(d.name))
    .map((d) => d.name)
    .sort();
}

/** `<ownerDir>/<kind>[/<version>]`, the names checked (no path can be made of them). */
export function versionFolder(ownerDir: string, kind: string, version?: string): string {
  if (!VERSION.test(kind) || kind === COOPS || (version !== undefined && !VERSION.test(version)))
    throw new ShambaError(
      'INVALID_REQUEST',
      `not a model name: ${kind}${version === undefined ? '' : `/${version}`}`,
    );
  return version === undefined ? join(ownerDir, kind) : join(ownerDir, kind, version);
}

export const readJson = async (path: string) =>
  JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

/** A version found in `at`'s folder, and whose it is (undefined: nobody's). */
export interface Found {
  version: string;
  at: ModelOwner;
  owner: ModelOwner | undefined;
  meta: Record<string, unknown>;
}

/** One model version as a place to look: whose folder, the model kind, the version id. */
export interface VersionAt {
  at: ModelOwner;
  kind: string;
  version: string;
}

/** The version in `at`'s folder, if there is one. */
export async function findAt(
  dir: string,
  { at, kind, version }: VersionAt,
): Promise<Found | undefined> {
  const file = join(versionFolder(modelOwnerDir(dir, at), kind, version), 'meta.json');
  if (!(await exists(file))) return undefined;
  const meta = await readJson(file);
  return { version, at, owner: at === null ? sharedFolderOwner(meta) : at, meta };
}

/** Every version in `at`'s folder (finished ones: a `.partial` folder is being written). */
export async function versionsAt(dir: string, at: ModelOwner, kind: string): Promise<Found[]> {
  const root = versionFolder(modelOwnerDir(dir, at), kind);
  const names = (await exists(root)) ? await readdir(root, { withFileTypes: true }) : [];
  const found = await Promise.all(
    names
      .filter((d) => d.isDirectory() && !d.name.endsWith('.partial') && VERSION.test(d.name))
      .map((d) => findAt(dir, { at, kind, version: d.name })),
  );
  return found.filter((f) => f !== undefined);
}

/** The version `who`'s promoted.json names, or null (whose it is, `locate` decides). */
export async function promotedVersion(
  dir: string,
  who: ModelOwner,
  kind: string,
): Promise<string | null> {
  const file = join(versionFolder(modelOwnerDir(dir, who), kind), 'promoted.json');
  if (!(await exists(file))) return null;
  const version = String((await readJson(file)).version);
  return VERSION.test(version) ? version : null;
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
