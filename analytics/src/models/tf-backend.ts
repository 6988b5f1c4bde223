import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

let ready: Promise<TfBackendName> | undefined;

/**
 * Picks the fastest TF.js backend that loads here, once per thread: the native binding of
 * `@tensorflow/tfjs-node` when it is installed and loads, else WebAssembly (its .wasm files
 * come from the installed package: nothing is fetched), else the plain-JS cpu backend.
 */
export function initTfBackend(): Promise<TfBackendName> {
  ready ??= pick();
  return ready;
}

async function pick(): Promise<TfBackendName> {
  try {
    // Optional: not a dependency (its installer downloads libtensorflow); used when present.
    const name = '@tensorflow/tfjs-node';
    await import(name);
    if (await tf.setBackend('tensorflow')) return 'tensorflow';
  } catch {
    // Not installed, or its native binding does not load: fall through.
  }
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    setWasmPaths(`${join(dir, 'dist')}/`);
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return 'wasm';
    }
  } catch {
    // WebAssembly unavailable: fall through.
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

export { tf };
