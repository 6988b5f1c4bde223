import { access, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ShambaError } from '@shamba/schemas';
// Types only at import: TF.js itself loads when a model is saved or loaded, so listing and
// promoting versions (and reading which one is promoted) stay cheap.
import type * as tf from '@tensorflow/tfjs';

/**
 * Model versions on disk, one folder each: `<dir>/<kind>/<version>/` with TF.js's own
 * `model.json` and `weights.bin`, and `meta.json` (seed, hyperparameters, data, evaluation).
 * `<dir>/<kind>/promoted.json` names the version in use. Versions are never overwritten, so
 * every forecast's recorded version can be reloaded.
 */
export interface ModelStore {
  save(kind: string, model: tf.LayersModel, meta: object): Promise<string>;
  list(
    kind: string,
  ): Promise<{ version: string; meta: Record<string, unknown>; promoted: boolean }[]>;
  promote(kind: string, version: string): Promise<void>;
  promoted(kind: string): Promise<string | null>;
  load(
    kind: string,
    version: string,
  ): Promise<{ model: tf.LayersModel; meta: Record<string, unknown> }>;
}

const VERSION = /^[a-z0-9][a-z0-9-]{0,79}$/;

export function createModelStore(options: { dir: string; clock?: () => number }): ModelStore {
  const clock = options.clock ?? Date.now;
  const folder = (kind: string, version?: string) => {
    if (!VERSION.test(kind) || (version !== undefined && !VERSION.test(version))) {
      throw new ShambaError(
        'INVALID_REQUEST',
        `not a model name: ${kind}${version === undefined ? '' : `/${version}`}`,
      );
    }
    return version === undefined ? join(options.dir, kind) : join(options.dir, kind, version);
  };
  const readJson = async (path: string) =>
    JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

  const store: ModelStore = {
    async save(kind, model, meta) {
      const stamp = new Date(clock())
        .toISOString()
        .replaceAll(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'z')
        .toLowerCase();
      let version = `${kind}-${stamp}`;
      for (let n = 2; await exists(folder(kind, version)); n++) version = `${kind}-${stamp}-${n}`;
      const final = folder(kind, version);
      const partial = `${final}.partial`;
      await mkdir(partial, { recursive: true });
      const { tf } = await import('./tf-backend.js');
      await model.save(
        tf.io.withSaveHandler(async (artifacts) => {
          const weights = tf.io.CompositeArrayBuffer.join(
            artifacts.weightData ?? new ArrayBuffer(0),
          );
          await writeFile(join(partial, 'weights.bin'), Buffer.from(weights));
          await writeFile(
            join(partial, 'model.json'),
            JSON.stringify({
              format: artifacts.format,
              generatedBy: artifacts.generatedBy,
              modelTopology: artifacts.modelTopology,
              weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
            }),
          );
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
        }),
      );
      await writeFile(
        join(partial, 'meta.json'),
        JSON.stringify({ kind, version, savedAtMs: clock(), ...meta }, null, 2),
      );
      await rename(partial, final); // a version appears whole or not at all
      return version;
    },
    async list(kind) {
      const dir = folder(kind);
      const names = (await exists(dir)) ? await readdir(dir, { withFileTypes: true }) : [];
      const promoted = await store.promoted(kind);
      const versions = names
        .filter((d) => d.isDirectory() && !d.name.endsWith('.partial'))
        .map((d) => d.name)
        .sort();
      return Promise.all(
        versions.map(async (version) => ({
          version,
          meta: await readJson(join(dir, version, 'meta.json')),
          promoted: version === promoted,
        })),
      );
    },
    async promote(kind, version) {
      if (!(await exists(join(folder(kind, version), 'meta.json')))) {
        throw new ShambaError('NOT_FOUND', `no ${kind} model version ${version}`);
      }
      const file = join(folder(kind), 'promoted.json');
      await writeFile(`${file}.tmp`, JSON.stringify({ version, promotedAtMs: clock() }));
      await rename(`${file}.tmp`, file);
    },
    async promoted(kind) {
      const file = join(folder(kind), 'promoted.json');
      return (await exists(file)) ? String((await readJson(file)).version) : null;
    },
    async load(kind, version) {
      const dir = folder(kind, version);
      if (!(await exists(join(dir, 'meta.json'))))
        throw new ShambaError('NOT_FOUND', `no ${kind} model version ${version}`);
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
      return { model, meta: await readJson(join(dir, 'meta.json')) };
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
