import { access, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShambaError, isId } from '@shamba/schemas';
// Types only at import: TF.js itself loads when a model is saved or loaded, so listing and
// promoting versions (and reading which one is promoted) stay cheap.
import type * as tf from '@tensorflow/tfjs';

/** Whose a model version is: a cooperative's id, or null for a shared (base) model. */
export type ModelOwner = string | null;

export interface ModelVersionEntry {
  version: string;
  owner: ModelOwner;
  meta: Record<string, unknown>;
  /** This store's owner has promoted it (its own version, or a shared one it adopted). */
  promoted: boolean;
}

/** A promotion: the version and whose folder it is in. */
export interface PromotedModel {
  version: string;
  owner: ModelOwner;
}

/**
 * Model versions on disk, one folder each, scoped to one owner. Shared models live where they
 * always have, `<dir>/<kind>/<version>/` (TF.js's own `model.json` and `weights.bin`, and
 * `meta.json`: seed, hyperparameters, data, evaluation, owner), so versions saved before models
 * had owners are the shared ones; a cooperative's live in `<dir>/coops/<coopId>/<kind>/`, the
 * same layout. Each owner's `<kind>/promoted.json` names the version it uses. A cooperative's
 * store sees its own versions and the shared ones, never another cooperative's: every lookup by
 * version id goes to those two folders only. Version ids are unique across owners, and versions
 * are never overwritten, so every forecast's recorded version can be reloaded.
 */
export interface ModelStore {
  readonly owner: ModelOwner;
  save(kind: string, model: tf.LayersModel, meta: object): Promise<string>;
  /** The owner's versions and, for a cooperative, the shared ones; oldest first. */
  list(kind: string): Promise<ModelVersionEntry[]>;
  /**
   * Makes `version` the one the owner uses: its own, or for a cooperative a shared one it
   * adopts (its own wins a name clash). NOT_FOUND for anything else, another's included.
   */
  promote(kind: string, version: string): Promise<PromotedModel>;
  /** What the owner itself has promoted, or null. */
  promoted(kind: string): Promise<PromotedModel | null>;
  /** What the owner's forecasts use: its own promotion, else (a cooperative) the shared one. */
  inUse(kind: string): Promise<PromotedModel | null>;
  /** A version's meta.json without loading TF.js; NOT_FOUND outside the owner's view. */
  meta(kind: string, version: string): Promise<PromotedModel & { meta: Record<string, unknown> }>;
  load(
    kind: string,
    version: string,
  ): Promise<{ model: tf.LayersModel; meta: Record<string, unknown>; owner: ModelOwner }>;
}

const VERSION = /^[a-z0-9][a-z0-9-]{0,79}$/;
/** The folder of cooperatives' models under the shared root; never a model kind. */
const COOPS = 'coops';
/** Where version ids are claimed (see `claim`); not a valid kind or version name. */
const CLAIMS = '.ids';
// Model files hold a cooperative's learned data: owner-only, like the registry (issue 13 #20).
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** The folder an owner's models live in (`<dir>` for shared ones). */
export function modelOwnerDir(dir: string, owner: ModelOwner): string {
  if (owner === null) return dir;
  if (!isId(owner)) throw new ShambaError('INVALID_REQUEST', `not a cooperative id: ${owner}`);
  return join(dir, COOPS, owner);
}

/** The cooperatives that have a models folder (for admins' listings), sorted. */
export async function modelOwners(dir: string): Promise<string[]> {
  const names = await readdir(join(dir, COOPS), { withFileTypes: true }).catch(() => []);
  return names
    .filter((d) => d.isDirectory() && isId(d.name))
    .map((d) => d.name)
    .sort();
}

export function createModelStore(options: {
  dir: string;
  /** Default null: the shared models. */
  owner?: ModelOwner;
  clock?: () => number;
}): ModelStore {
  const clock = options.clock ?? Date.now;
  const owner = options.owner ?? null;
  modelOwnerDir(options.dir, owner); // an owner that is not an id is refused here, not later
  /** The owners this store may read, its own first. */
  const scope: ModelOwner[] = owner === null ? [null] : [owner, null];
  const folder = (who: ModelOwner, kind: string, version?: string) => {
    if (
      !VERSION.test(kind) ||
      kind === COOPS ||
      (version !== undefined && !VERSION.test(version))
    ) {
      throw new ShambaError(
        'INVALID_REQUEST',
        `not a model name: ${kind}${version === undefined ? '' : `/${version}`}`,
      );
    }
    const root = join(modelOwnerDir(options.dir, who), kind);
    return version === undefined ? root : join(root, version);
  };
  const readJson = async (path: string) =>
    JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  /** The first owner in scope that has the version, or NOT_FOUND (the same for another's). */
  const locate = async (kind: string, version: string): Promise<ModelOwner> => {
    for (const who of scope)
      if (await exists(join(folder(who, kind, version), 'meta.json'))) return who;
    throw new ShambaError('NOT_FOUND', `no ${kind} model version ${version}`);
  };
  const versionsOf = async (who: ModelOwner, kind: string) => {
    const dir = folder(who, kind);
    const names = (await exists(dir)) ? await readdir(dir, { withFileTypes: true }) : [];
    return names
      .filter((d) => d.isDirectory() && !d.name.endsWith('.partial') && VERSION.test(d.name))
      .map((d) => d.name);
  };
  /**
   * Claims a version id for this owner, unique across every owner (so an id names one version
   * wherever it is seen), atomically: `mkdir` of `<dir>/.ids/<kind>/<version>` fails for all
   * but the first claimant, even across worker threads. Shared versions saved before owners
   * existed have no claim, so their folders are checked too.
   */
  const claim = async (kind: string, version: string) => {
    if ((await exists(folder(null, kind, version))) || (await exists(folder(owner, kind, version))))
      return false;
    const claims = join(options.dir, CLAIMS, kind);
    await mkdir(claims, { recursive: true, mode: DIR_MODE });
    return mkdir(join(claims, version), { mode: DIR_MODE }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
  };
  const promotedOf = async (who: ModelOwner, kind: string): Promise<PromotedModel | null> => {
    const file = join(folder(who, kind), 'promoted.json');
    if (!(await exists(file))) return null;
    const json = await readJson(file);
    const version = String(json.version);
    if (!VERSION.test(version)) return null;
    // Files written before owners existed name no owner: the version is the file's owner's. A
    // cooperative's file names either its own version or a shared one, never another's.
    return { version, owner: who === null || json.owner === null ? null : who };
  };

  const store: ModelStore = {
    owner,
    async save(kind, model, meta) {
      const stamp = new Date(clock())
        .toISOString()
        .replaceAll(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'z')
        .toLowerCase();
      let version = `${kind}-${stamp}`;
      for (let n = 2; !(await claim(kind, version)); n++) version = `${kind}-${stamp}-${n}`;
      const final = folder(owner, kind, version);
      const partial = `${final}.partial`;
      await mkdir(partial, { recursive: true, mode: DIR_MODE });
      const { tf } = await import('./tf-backend.js');
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          const weights = tf.io.CompositeArrayBuffer.join(
            artifacts.weightData ?? new ArrayBuffer(0),
          );
          await writeFile(join(partial, 'weights.bin'), Buffer.from(weights), { mode: FILE_MODE });
          await writeFile(
            join(partial, 'model.json'),
            JSON.stringify({
              format: artifacts.format,
              generatedBy: artifacts.generatedBy,
              modelTopology: artifacts.modelTopology,
              weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
            }),
            { mode: FILE_MODE },
          );
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
        }),
      );
      await writeFile(
        join(partial, 'meta.json'),
        // The owner last: no meta can claim another.
        JSON.stringify({ kind, version, savedAtMs: clock(), ...meta, owner }, null, 2),
        { mode: FILE_MODE },
      );
      await rename(partial, final); // a version appears whole or not at all
      return version;
    },
    async list(kind) {
      const promoted = await promotedOf(owner, kind);
      const entries = await Promise.all(
        scope.map(async (who) =>
          Promise.all(
            (await versionsOf(who, kind)).map(async (version) => ({
              version,
              owner: who,
              meta: await readJson(join(folder(who, kind, version), 'meta.json')),
              promoted: promoted?.version === version && promoted.owner === who,
            })),
          ),
        ),
      );
      return entries
        .flat()
        .sort((a, b) => a.version.localeCompare(b.version) || (a.owner === null ? 1 : -1));
    },
    async promote(kind, version) {
      const who = await locate(kind, version);
      const dir = folder(owner, kind);
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      const file = join(dir, 'promoted.json');
      await writeFile(
        `${file}.tmp`,
        JSON.stringify({ version, owner: who, promotedAtMs: clock() }),
        { mode: FILE_MODE },
      );
      await rename(`${file}.tmp`, file);
      return { version, owner: who };
    },
    promoted: (kind) => promotedOf(owner, kind),
    async inUse(kind) {
      for (const who of scope) {
        const promoted = await promotedOf(who, kind);
        if (promoted !== null) return promoted;
      }
      return null;
    },
    async meta(kind, version) {
      const who = await locate(kind, version);
      return {
        version,
        owner: who,
        meta: await readJson(join(folder(who, kind, version), 'meta.json')),
      };
    },
    async load(kind, version) {
      const who = await locate(kind, version);
      const dir = folder(who, kind, version);
      const json = (await readJson(join(dir, 'model.json'))) as {
        modelTopology: object;
        weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
      };
      const weights = await readFile(join(dir, 'weights.bin'));
      const { tf } = await import('./tf-backend.js');
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
          weightData: weights.buffer.slice(
            weights.byteOffset,
            weights.byteOffset + weights.byteLength,
          ),
        }),
      );
      return { model, meta: await readJson(join(dir, 'meta.json')), owner: who };
    },
  };
  return store;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
