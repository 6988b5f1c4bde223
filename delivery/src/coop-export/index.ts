export {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  FILES as EXPORT_FILES,
  ManifestSchema,
  readingColumns,
  type Manifest,
  type ManifestFile,
} from './archive-layout.js';
export { exportCoop, type CoopExportOptions } from './coop-export.js';
export { importCoop, type CoopImportOptions, type CoopImportResult } from './import-coop.js';
export { verifyExport, type VerifiedExport } from './verify-export.js';
export { exportCoopStream, exportFileName } from './export-stream.js';
