import { createHash } from 'node:crypto';
import { Unzip, UnzipInflate } from 'fflate';

/** What receives one file of the archive as it is inflated. */
export interface EntrySink {
  data(chunk: Uint8Array): void;
  end(): void;
}

/**
 * Walks a zip's files in order with fflate's streaming `Unzip`, a chunk of the archive at a time:
 * `onFile` gives each file its sink (or none to skip it), and `afterChunk` runs after each chunk's
 * files were fed (where the caller awaits its writes, so the next chunk waits for them).
 */
export async function walkArchive(
  chunks: AsyncIterable<Uint8Array>,
  onFile: (name: string) => EntrySink | undefined,
  afterChunk: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  let failure: Error | undefined;
  const unzip = new Unzip((file) => {
    const sink = onFile(file.name);
    if (sink === undefined) return;
    file.ondata = (error, chunk, final) => {
      if (failure !== undefined) return;
      try {
        if (error !== null) throw error;
        sink.data(chunk);
        if (final) sink.end();
      } catch (cause) {
        failure = cause instanceof Error ? cause : new Error(String(cause));
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  // A file's handler fails inside fflate's callback: kept, and thrown here after each push.
  const rethrow = () => {
    if (failure !== undefined) throw failure;
  };
  let previous: Uint8Array | undefined;
  for await (const chunk of chunks) {
    if (previous !== undefined) unzip.push(previous);
    previous = chunk;
    rethrow();
    await afterChunk();
    rethrow();
  }
  unzip.push(previous ?? new Uint8Array(0), true);
  rethrow();
  await afterChunk();
}

/** A sink that counts a file's bytes and SHA-256 before passing each chunk on. */
export function hashing(next?: EntrySink) {
  const hash = createHash('sha256');
  const result = { bytes: 0, sha256: '' };
  const sink: EntrySink = {
    data(chunk) {
      hash.update(chunk);
      result.bytes += chunk.length;
      next?.data(chunk);
    },
    end() {
      result.sha256 = hash.digest('hex');
      next?.end();
    },
  };
  return { sink, result };
}

/** A sink that decodes UTF-8 text as it comes (a character split across chunks included). */
export function textSink(onText: (text: string) => void, onEnd: () => void): EntrySink {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    data: (chunk) => onText(decoder.decode(chunk, { stream: true })),
    end() {
      onText(decoder.decode());
      onEnd();
    },
  };
}
