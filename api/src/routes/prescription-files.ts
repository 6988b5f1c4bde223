import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  PRESCRIPTION_KINDS,
  PrescriptionKindSchema,
  ShambaError,
  type Field,
  type Prescription,
} from '@shamba/schemas';
import {
  PRESCRIPTION_FILE_FORMATS,
  isPrescriptionFileFormat,
  prescriptionFile,
  type PrescriptionFileFormat,
} from '@shamba/delivery';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { etagOf, notModified } from '../http/etag.js';
import { COMMON_PROBLEMS, idParam, openApiRoutes } from '../http/openapi.js';
import { visibleFieldIn } from './visible-field.js';

function formatOf(value: string): PrescriptionFileFormat {
  if (!isPrescriptionFileFormat(value))
    throw new ShambaError(
      'INVALID_REQUEST',
      `format must be one of ${PRESCRIPTION_FILE_FORMATS.join(', ')}`,
    );
  return value;
}

/** The file, or 304 when the client has these very bytes already. */
function fileResponse(
  c: Context<AppEnv>,
  format: PrescriptionFileFormat,
  input: { prescription: Prescription; field: Field },
) {
  const file = prescriptionFile(format, input);
  const etag = etagOf(file.bytes);
  // Private: a cooperative's file; no-cache: revalidate (cheaply, by ETag) before each use.
  const headers = { ETag: etag, 'Cache-Control': 'private, no-cache' };
  if (notModified(c, etag)) return c.body(null, 304, headers);
  return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
    ...headers,
    'Content-Type': file.contentType,
    // The name holds only [A-Za-z0-9._-] (prescriptionFile), so quoting is enough (RFC 6266).
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
  });
}

/** The media types of the three files, for the document. */
const FILE_CONTENT = {
  'application/geo+json': { schema: z.string().meta({ description: 'RFC 7946 GeoJSON' }) },
  'application/zip': {
    schema: z.string().meta({
      format: 'binary',
      description: 'A zipped shapefile, or ISOXML task data (TASKDATA/TASKDATA.XML)',
    }),
  },
};

const FILE_DESCRIPTION =
  '`geojson`: one feature per zone with the rate and its unit in the property name; ' +
  '`shapefile`: a zip of .shp .shx .dbf .prj .cpg in WGS 84, Polygon, one rate column; ' +
  '`isoxml`: a zip of TASKDATA/TASKDATA.XML (ISO 11783-10 v4) with a partfield, treatment ' +
  'zones with the rate as a DDI, and a type-2 grid. A strong ETag; 304 on If-None-Match.';

const fileResponses = {
  200: { description: 'The file, as an attachment.', content: FILE_CONTENT },
  304: { description: 'The client has these bytes (If-None-Match).' },
  ...COMMON_PROBLEMS,
};

const formatParam = z
  .string()
  .meta({ description: 'geojson, shapefile or isoxml', enum: [...PRESCRIPTION_FILE_FORMATS] });

const latestFile = createRoute({
  method: 'get',
  path: '/{fieldId}/prescriptions/latest/files/{format}',
  tags: ['Prescriptions'],
  summary: "The field's newest prescription as a file a machine loads",
  description: `Without \`kind\`, the newest of either kind. ${FILE_DESCRIPTION}`,
  request: {
    params: z.object({ fieldId: idParam('The field.'), format: formatParam }),
    query: z.object({
      kind: z
        .string()
        .optional()
        .meta({ enum: [...PRESCRIPTION_KINDS] }),
    }),
  },
  responses: fileResponses,
});

const versionFile = createRoute({
  method: 'get',
  path: '/{fieldId}/prescriptions/{prescriptionId}/files/{format}',
  tags: ['Prescriptions'],
  summary: 'One prescription version as a file a machine loads',
  description: FILE_DESCRIPTION,
  request: {
    params: z.object({
      fieldId: idParam('The field.'),
      prescriptionId: idParam('The prescription version.'),
      format: formatParam,
    }),
  },
  responses: fileResponses,
});

/**
 * A prescription as a file a machine loads (GeoJSON, zipped shapefile, ISOXML task data): the
 * newest (of a kind, or of either) or one version. Another field's or cooperative's
 * prescription is NOT_FOUND, exactly like a missing one.
 */
export function prescriptionFileRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return openApiRoutes<AppEnv>()
    .openapi(latestFile, async (c) => {
      const params = c.req.valid('param');
      const format = formatOf(params.format);
      const field = await visibleField(c.get('principal'), params.fieldId);
      const kindParam = c.req.valid('query').kind;
      let prescription: Prescription | undefined;
      if (kindParam === undefined) {
        // Without `kind`, the newest of either kind (a tie, as when one run made both: irrigation).
        const latest = await registry.prescriptions.latestByKind(field.id);
        prescription = [latest.irrigation, latest.nitrogen]
          .filter((p) => p !== undefined)
          .sort((a, b) => b.createdAtMs - a.createdAtMs)[0];
      } else {
        const kind = PrescriptionKindSchema.safeParse(kindParam);
        if (!kind.success)
          throw new ShambaError(
            'INVALID_REQUEST',
            `kind must be one of ${PRESCRIPTION_KINDS.join(', ')}`,
          );
        prescription = await registry.prescriptions.latest(field.id, kind.data);
      }
      if (prescription === undefined)
        throw new ShambaError(
          'NOT_FOUND',
          `no ${kindParam === undefined ? '' : `${kindParam} `}prescription for ${field.id} yet`,
        );
      return fileResponse(c, format, { prescription, field });
    })
    .openapi(versionFile, async (c) => {
      const params = c.req.valid('param');
      const format = formatOf(params.format);
      const field = await visibleField(c.get('principal'), params.fieldId);
      const id = params.prescriptionId;
      const prescription = await registry.prescriptions.get(id);
      // Another field's version is not this field's, whoever may see it.
      if (prescription?.fieldId !== field.id)
        throw new ShambaError('NOT_FOUND', `no prescription ${id} for ${field.id}`);
      return fileResponse(c, format, { prescription, field });
    });
}
