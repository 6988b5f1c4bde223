/** 1980-01-01: the earliest time a zip entry's MS-DOS date can hold (PKWARE APPNOTE 4.4.6). */
const DOS_EPOCH_MS = Date.UTC(1980, 0, 1);

/**
 * A zip entry's time for an instant, as UTC whatever the server's zone: fflate writes the
 * MS-DOS date from the Date's local fields, so the instant is shifted by the local offset. The
 * same prescription then zips to the same bytes (and ETag) on any box.
 */
export function zipTime(ms: number): Date {
  const at = Math.max(ms, DOS_EPOCH_MS);
  return new Date(at + new Date(at).getTimezoneOffset() * 60_000);
}
