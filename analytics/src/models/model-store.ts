import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShambaError, isShambaError } from '@shamba/schemas';
// Types only at import: TF.js itself loads when a model is saved or loaded, so listing and
// promoting versions (and reading which one is promoted) stay cheap.
import type * as tf from '@tensorflow/tfjs';
import {
  exists,
  findAt,
  modelOwnerDir,
  modelOwners,
  promotedVersion,
  readJson,
  versionFolder,
  versionsAt,
  type Found,
} from './model-folders.js';
import { nonFiniteEvaluation, promotionRefusal } from './promotion-check.js';

export { modelOwnerDir, modelOwners } from './model-folders.js';

/** Whose a model version is: a cooperative's id, or null for a shared (base) model. */
export type ModelOwner = string | null;

export interface ModelVersionEntry {
  version: string;
  owner: ModelOwner;
  meta: Record<string, unknown>;
  /** This store's owner has promoted it (its own version, or a shared one it adopted). */
  promoted: boolean;
}

/** A promotion: the version and whose it is. */
export interface PromotedModel {
  version: string;
  owner: ModelOwner;
}

/**
 * Model versions on disk, one folder each, scoped to one owner. Shared models live where they
 * always have, `<dir>/<kind>/<version>/` (TF.js's own `model.json` and `weights.bin`, and
 * `meta.json`: seed, hyperparameters, data, evaluation, owner); a cooperative's live in
 * `<dir>/coops/<coopId>/<kind>/`, the same layout. A version saved before models had owners is
 * in the shared folder but may be one cooperative's (see `sharedFolderOwner`). Each owner's
 * `<kind>/promoted.json` names the version it uses. A cooperative's store sees its own versions
 * and the shared ones, never another cooperative's: every lookup by version id goes through
 * `locate`. Version ids are unique across owners, and versions are never overwritten, so every
 * forecast's recorded version can be reloaded.
 */
export interface ModelStore {
  readonly owner: ModelOwner;
  save(kind: string, model: tf.LayersModel, meta: object): Promise<string>;
  /** The owner's versions and, for a cooperative, the shared ones; oldest first. */
  list(kind: string): Promise<ModelVersionEntry[]>;
  /**
   * Makes `version` the one the owner uses: its own, or for a cooperative a shared one it
   * adopts. NOT_FOUND for anything else, another's included; INVALID_REQUEST for a version that
   * may not be used (see `promotionRefusal`: a yield model not finite, or worse than FAO-33).
   */
  promote(kind: string, version: string): Promise<PromotedModel>;
  /** What the owner itself has promoted (and can still see), or null. */
  promoted(kind: string): Promise<PromotedModel | null>;
  /**
   * What the owner's forecasts use: its own promotion, else (a cooperative) the shared one; a
   * promotion naming a version this store cannot see (gone, or another cooperative's), or one
   * whose evaluation is not finite (promoted before that was checked), is passed over.
   */
  inUse(kind: string): Promise<PromotedModel | null>;
  /**
   * A version's meta.json without loading TF.js, and `dir`, the folder its files are under (for
   * `loadModelVersion`); NOT_FOUND outside the owner's view.
   */
  meta(
    kind: string,
    version: string,
  ): Promise<PromotedModel & { meta: Record<string, unknown>; dir: string }>;
  load(
    kind: string,
    version: string,
  ): Promise<{ model: tf.LayersModel; meta: Record<string, unknown>; owner: ModelOwner }>;
}

/** Where version ids are claimed (see `claim`); not a valid kind or version name. */
const CLAIMS = '.ids';
// Model files hold a cooperative's learned data: owner-only, like the registry (issue 13 #20).
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Every owner's versions (admins' view): the shared ones, then each cooperative's (a version saved
 * before owners, under its cooperative), each `promoted` if its owner promoted it.
 */
export async function listEveryOwner(dir: string, kind: string): Promise<ModelVersionEntry[]> {
  const found = await Promise.all(
    [null, ...(await modelOwners(dir))].map((at) => versionsAt(dir, at, kind)),
  );
  const entries = found.flat().filter((f) => f.owner !== undefined);
  const owners = [...new Set(entries.map((e) => e.owner ?? null))];
  const promoted = new Map(
    await Promise.all(owners.map(async (o) => [o, await promotedVersion(dir, o, kind)] as const)),
  );
  return entries
    .map(({ version, owner = null, meta }) => ({
      version,
      owner,
      meta,
      promoted: promoted.get(owner) === version,
    }))
    .sort(
      (a, b) => (a.owner ?? '').localeCompare(b.owner ?? '') || a.version.localeCompare(b.version),
    );
}

/**
 * A version's model and meta from `<ownerDir>/<kind>/<version>`, whoever may use it (the caller
 * decided that: `ModelStore.meta` gives the folder to its own view only).
 */
export async function loadModelVersion(
  ownerDir: string,
  kind: string,
  version: string,
): Promise<{ model: tf.LayersModel; meta: Record<string, unknown> }> {
  const folder = versionFolder(ownerDir, kind, version);
  const json = (await readJson(join(folder, 'model.json'))) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = await readFile(join(folder, 'weights.bin'));
  const { tf } = await import('./tf-backend.js');
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  return { model, meta: await readJson(join(folder, 'meta.json')) };
}

export function createModelStore(options: {
  dir: string;
  /** Default null: the shared models. */
  owner?: ModelOwner;
  clock?: () => number;
}): ModelStore {
  const { dir } = options;
  const clock = options.clock ?? Date.now;
  const owner = options.owner ?? null;
  modelOwnerDir(dir, owner); // an owner that is not an id is refused here, not later
  /** The folders this store may read, its own first. */
  const scope: ModelOwner[] = owner === null ? [null] : [owner, null];
  const folder = (at: ModelOwner, kind: string, version?: string) =>
    versionFolder(modelOwnerDir(dir, at), kind, version);
  /** Its own and the shared versions are in view; another cooperative's never. */
  const inView = (f: Found) => f.owner === null || f.owner === owner;
  /** The version as this store sees it, or NOT_FOUND (the same for another's). */
  const locate = async (kind: string, version: string) => {
    for (const at of scope) {
      const found = await findAt(dir, { at, kind, version });
      if (found !== undefined && inView(found)) return { ...found, owner: found.owner ?? null };
    }
    throw new ShambaError('NOT_FOUND', `no ${kind} model version ${version}`);
  };
  /** The promoted version `who`'s file names, if this store can see it. */
  const promotionOf = async (who: ModelOwner, kind: string): Promise<PromotedModel | null> => {
    const version = await promotedVersion(dir, who, kind);
    if (version === null) return null;
    return locate(kind, version).then(
      // A version promoted before its evaluation was checked, which forecasts NaN: passed over.
      (found) =>
        nonFiniteEvaluation(kind, found.meta) === null ? { version, owner: found.owner } : null,
      (error: unknown) => {
        if (isShambaError(error, 'NOT_FOUND')) return null;
        throw error;
      },
    );
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
    const claims = join(dir, CLAIMS, kind);
    await mkdir(claims, { recursive: true, mode: DIR_MODE });
    return mkdir(join(claims, version), { mode: DIR_MODE }).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST') return false;
        throw error;
      },
    );
  };

  return {
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
      const promoted = await promotedVersion(dir, owner, kind);
      const found = await Promise.all(scope.map((at) => versionsAt(dir, at, kind)));
      return found
        .flat()
        .filter(inView)
        .map(({ version, owner: who = null, meta }) => ({
          version,
          owner: who,
          meta,
          promoted: promoted === version, // ids are unique across owners
        }))
        .sort((a, b) => a.version.localeCompare(b.version));
    },
    async promote(kind, version) {
      const found = await locate(kind, version);
      const refused = promotionRefusal(kind, found.meta);
      if (refused !== null)
        throw new ShambaError(
          'INVALID_REQUEST',
          `${kind} model ${version} cannot be promoted: ${refused}`,
        );
      const file = join(folder(owner, kind), 'promoted.json');
      await mkdir(folder(owner, kind), { recursive: true, mode: DIR_MODE });
      await writeFile(
        `${file}.tmp`,
        JSON.stringify({ version, owner: found.owner, promotedAtMs: clock() }),
        { mode: FILE_MODE },
      );
      await rename(`${file}.tmp`, file);
      return { version, owner: found.owner };
    },
    promoted: (kind) => promotionOf(owner, kind),
    async inUse(kind) {
      for (const who of scope) {
        const promoted = await promotionOf(who, kind);
        if (promoted !== null) return promoted;
      }
      return null;
    },
    async meta(kind, version) {
      const found = await locate(kind, version);
      return { version, owner: found.owner, meta: found.meta, dir: modelOwnerDir(dir, found.at) };
    },
    async load(kind, version) {
      const found = await locate(kind, version);
      return {
        ...(await loadModelVersion(modelOwnerDir(dir, found.at), kind, version)),
        owner: found.owner,
      };
    },
  };
}
