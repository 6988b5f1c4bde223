import { createHash } from 'node:crypto';
import { Zip, ZipDeflate } from 'fflate';
import type { ManifestFile } from './archive-layout.js';

export interface ArchiveFile {
  /** Appends text to the file, counting `records` records in it. */
  write(text: string, records?: number): void;
  close(): void;
}

/**
 * A zip (PKWARE APPNOTE 6.3: deflate, sizes in data descriptors after each file) written one file
 * at a time through fflate's streaming `Zip`, counting each file's bytes, SHA-256 and records for
 * the manifest as they pass. `take()` hands over the zip bytes produced so far: the caller
 * forwards them before producing more, so the archive is never held whole. No ZIP64 (fflate
 * writes none): each file and the archive stay under 4 GiB; a month of one stream is far below.
 */
export function createArchiveWriter(options: { mtime: Date }) {
  let out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error !== null) failure = error;
    else out.push(chunk);
  });
  const files: ManifestFile[] = [];
  const encoder = new TextEncoder();
  let open = false;

  return {
    files,
    open(entry: { path: string; mediaType: string; columns?: string[] }): ArchiveFile {
      if (open) throw new Error('the archive writes one file at a time');
      open = true;
      // Level 6, zlib's default: CSV of readings shrinks about 5x; 9 saves a few % for 3x time.
      const file = new ZipDeflate(entry.path, { level: 6 });
      file.mtime = options.mtime; // the export's time on every file (DOS time, 2 s steps)
      zip.add(file);
      const hash = createHash('sha256');
      let bytes = 0;
      let records = 0;
      return {
        write(text, count = 0) {
          const data = encoder.encode(text);
          hash.update(data);
          bytes += data.length;
          records += count;
          file.push(data);
        },
        close() {
          file.push(new Uint8Array(0), true);
          open = false;
          files.push({ ...entry, bytes, sha256: hash.digest('hex'), records });
        },
      };
    },
    /** The zip bytes written since the last call. */
    take(): Uint8Array[] {
      if (failure !== null) throw failure;
      const taken = out;
      out = [];
      return taken;
    },
    end(): void {
      zip.end();
    },
  };
}
