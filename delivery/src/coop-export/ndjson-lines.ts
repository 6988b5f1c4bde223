import { ShambaError } from '@shamba/schemas';
import { z } from 'zod';
import { textSink, type EntrySink } from './archive-reader.js';

/**
 * A sink for an NDJSON file (one JSON document a line): each line parsed and checked with
 * `schema` as the text arrives, and handed to `onRecord`; a bad line names the file and line.
 */
export function ndjsonSink<T>(
  path: string,
  schema: z.ZodType<T>,
  onRecord: (record: T) => void,
): EntrySink {
  let text = '';
  let line = 0;
  const take = (final: boolean) => {
    const parts = text.split('\n');
    text = final ? '' : parts.pop()!;
    for (const part of parts) {
      line++;
      if (part === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(part);
      } catch {
        throw new ShambaError('INVALID_PAYLOAD', `${path} line ${line}: not JSON`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new ShambaError(
          'INVALID_PAYLOAD',
          `${path} line ${line}: ${z.prettifyError(parsed.error)}`,
        );
      onRecord(parsed.data);
    }
  };
  return textSink(
    (t) => {
      text += t;
      take(false);
    },
    () => take(true),
  );
}
