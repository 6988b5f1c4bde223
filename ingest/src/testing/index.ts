// Helpers for tests of other packages (`@shamba/ingest/testing`); not part of the runtime surface.
export { legacyScryptHash } from '../auth/legacy-scrypt-hash.js';
