import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRegistry } from '../../conformance/registry.conformance.js';
import { MAX_DEAD_LETTER_PAYLOAD, MAX_DEAD_LETTER_REASON } from './dead-letters.js';
import { createSqliteRegistry } from './sqlite-registry.js';

describeRegistry('sqlite', {
  newLocation: () => join(mkdtempSync(join(tmpdir(), 'shamba-reg-')), 'registry.sqlite'),
  open: (path, caps) => createSqliteRegistry({ path, ...caps }),
  cuts: { reasonChars: MAX_DEAD_LETTER_REASON, payloadBytes: MAX_DEAD_LETTER_PAYLOAD },
});
