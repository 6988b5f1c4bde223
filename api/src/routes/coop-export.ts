import { createRoute, z } from '@hono/zod-openapi';
import { exportCoopStream, exportFileName } from '@shamba/delivery';
import { ShambaError } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { COMMON_PROBLEMS, idParam, openApiRoutes, problems } from '../http/openapi.js';
import type { YieldModels } from './models.js';

/** Who may take a cooperative's data away: it holds its farmers' names and phones. */
const EXPORTERS = ['admin', 'manager'] as const;

/** The stream, calling `done` once it has been read to its end, failed, or been cancelled. */
function whileRead(stream: ReadableStream<Uint8Array>, done: () => void) {
  const reader = stream.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) done();
    finished = true;
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason);
    },
  });
}

const exportRoute = createRoute({
  method: 'get',
  path: '/coops/{coopId}/export',
  tags: ['Cooperative data'],
  summary: 'Everything the cooperative owns, as a zip (manager, admin)',
  description:
    'Fields and zones (GeoJSON), farmers, devices (never their secrets), every reading (CSV, a ' +
    'file per stream and month), prescriptions with their steps, messages, forecasts, parameter ' +
    'sets, yield history, fertiliser applications, scene indices and model versions, with ' +
    '`manifest.json` giving each file its media type, bytes, SHA-256 and record count. Streamed: ' +
    'a large cooperative starts downloading at once. Another cooperative answers 404 exactly ' +
    'like a missing one; `shamba import` loads the archive into an empty box.',
  request: { params: z.object({ coopId: idParam('The cooperative.') }) },
  responses: {
    200: {
      description: 'The archive (`Content-Disposition: attachment`).',
      headers: z.object({ 'content-disposition': z.string() }),
      content: { 'application/zip': { schema: z.string().meta({ format: 'binary' }) } },
    },
    ...COMMON_PROBLEMS,
    ...problems(503),
  },
});

export function coopExportRoutes(deps: {
  registry: Registry;
  store: TimeSeriesStore;
  /** Model versions (their metadata goes in the archive), when analytics run. */
  models?: YieldModels | undefined;
  clock: () => number;
}) {
  const { registry, store, models } = deps;
  // One export at a time per cooperative: each walks every reading the cooperative has.
  const exporting = new Set<string>();
  return openApiRoutes<AppEnv>().openapi(exportRoute, async (c) => {
    const principal = c.get('principal');
    // Tenancy first: another cooperative's export is 404 for every role, then the role.
    const coopId = await staffCoop(registry, principal, c.req.valid('param').coopId);
    requireRole(principal, EXPORTERS);
    if (exporting.has(coopId))
      throw new ShambaError('TOO_MANY_REQUESTS', `an export of ${coopId} is already running`, {
        details: { retryAfterS: 60 },
      });
    const nowMs = deps.clock();
    const body = exportCoopStream({
      registry,
      store,
      coopId,
      clock: () => nowMs,
      ...(models === undefined
        ? {}
        : {
            models: async () =>
              (await models.list({ owner: coopId })).filter((m) => m.owner === coopId),
          }),
    });
    exporting.add(coopId);
    return c.body(
      whileRead(body, () => exporting.delete(coopId)),
      200,
      {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="${exportFileName(coopId, nowMs)}"`,
        'Cache-Control': 'no-store',
      },
    );
  });
}
