import { exportCoop, type CoopExportOptions } from './coop-export.js';

/**
 * The export as a web ReadableStream (what an HTTP response body takes). `highWaterMark: 0`: the
 * stream pulls the next bytes only when its reader asks, so the export produces (and reads from
 * the stores) no faster than the client takes it. Cancelling (the client went away) ends the
 * export where it is.
 */
export function exportCoopStream(options: CoopExportOptions): ReadableStream<Uint8Array> {
  const chunks = exportCoop(options);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done === true) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** `coop-<id>-<YYYY-MM-DD>.zip`: ids are file-name safe (IdSchema). */
export function exportFileName(coopId: string, nowMs: number): string {
  return `coop-${coopId}-${new Date(nowMs).toISOString().slice(0, 10)}.zip`;
}
