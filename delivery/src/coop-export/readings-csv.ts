import {
  IdSchema,
  ReadingSchema,
  ShambaError,
  type StoredReading,
  type UpStream,
} from '@shamba/schemas';
import { z } from 'zod';
import { OTHER_VALUES_COLUMN, READING_COLUMNS, readingColumns } from './archive-layout.js';
import { createCsvReader } from './csv.js';

const OptionalId = IdSchema.nullable();
const Integer = z.coerce.number().int();
const OtherValues = z.record(z.string(), z.number());

/**
 * Parses a readings file (archive-layout.ts) as its text arrives: checks the header is the
 * stream's columns, turns each row into a StoredReading of the archive's cooperative, checked
 * with the shared ReadingSchema, and hands it to `onReading`. Errors name the file and line.
 */
export function createReadingsParser(
  { path, stream, coopId }: { path: string; stream: UpStream; coopId: string },
  onReading: (reading: StoredReading) => void,
) {
  const columns = readingColumns(stream);
  const quantities = columns.slice(READING_COLUMNS.length, -1);
  const csv = createCsvReader();
  let line = 0;
  const fail = (detail: string) =>
    new ShambaError('INVALID_PAYLOAD', `${path} line ${line}: ${detail}`);
  const record = (fields: string[]) => {
    line++;
    if (line === 1) {
      if (fields.join(',') !== columns.join(','))
        throw fail(`the header is not ${columns.join(',')}`);
      return;
    }
    if (fields.length !== columns.length)
      throw fail(`${fields.length} fields, the header has ${columns.length}`);
    const [, timeMs, deviceId, seq, fieldId, zoneId, receivedMs] = fields;
    const values: Record<string, number> = {};
    quantities.forEach((name, i) => {
      const text = fields[READING_COLUMNS.length + i]!;
      if (text !== '') values[name] = Number(text);
    });
    const other = fields.at(-1)!;
    if (other !== '') {
      const parsed = OtherValues.safeParse(JSON.parse(other));
      if (!parsed.success) throw fail(`${OTHER_VALUES_COLUMN} is not an object of numbers`);
      Object.assign(values, parsed.data);
    }
    const reading = ReadingSchema.safeParse({
      deviceId,
      stream,
      timeMs: Number(timeMs),
      seq: Number(seq),
      values,
    });
    const place = z
      .object({ fieldId: OptionalId, zoneId: OptionalId, receivedMs: Integer })
      .safeParse({ fieldId: fieldId || null, zoneId: zoneId || null, receivedMs });
    if (!reading.success) throw fail(z.prettifyError(reading.error));
    if (!place.success) throw fail(z.prettifyError(place.error));
    onReading({ ...reading.data, coopId, ...place.data });
  };
  return {
    push: (text: string) => csv.push(text).forEach(record),
    end: () => csv.end().forEach(record),
  };
}
