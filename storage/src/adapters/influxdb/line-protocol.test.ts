import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredReading } from '@shamba/schemas';
import { sanitizeStringField, sanitizeTag, toLineProtocol } from './line-protocol.js';

const base: StoredReading = {
  deviceId: 'probe-1',
  stream: 'soil',
  timeMs: 1_795_800_000_123,
  seq: 7,
  values: { vwc10: 0.231 },
  coopId: 'coop-a',
  fieldId: 'field-1',
  zoneId: null,
  receivedMs: 1_795_800_001_000,
};

/**
 * Splits a line the way InfluxDB does (line protocol reference: commas, spaces and equals signs
 * are escaped with a backslash in measurement names and tag keys and values), returning the
 * unescaped tag values.
 */
function tagValues(line: string): string[] {
  const tags: string[] = [];
  let i = line.indexOf(',');
  const end = (() => {
    // The tag set ends at the first unescaped space.
    for (let j = 0; j < line.length; j++) {
      if (line[j] === '\\') j++;
      else if (line[j] === ' ') return j;
    }
    return line.length;
  })();
  while (i >= 0 && i < end) {
    let j = i + 1;
    let current = '';
    let inValue = false;
    for (; j < end; j++) {
      const ch = line[j]!;
      if (ch === '\\') {
        current += line[++j] ?? '';
      } else if (ch === ',') break;
      else if (ch === '=' && !inValue) {
        inValue = true;
        current = '';
      } else current += ch;
    }
    tags.push(current);
    i = j < end ? j : -1;
  }
  return tags;
}

describe('line protocol', () => {
  it('writes a reading as measurement, tags, fields and millisecond time', () => {
    expect(toLineProtocol(base)).toBe(
      'soil,coop=coop-a,device=probe-1,field=field-1 received_ms=1795800001000i,seq=7i,vwc10=0.231 1795800000123',
    );
  });

  it('keeps any identifier on one line and round-trips it through the escaping', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        (coop, device) => {
          fc.pre(sanitizeTag(coop) !== '' && sanitizeTag(device) !== '');
          const line = toLineProtocol({ ...base, coopId: coop, deviceId: device, fieldId: null });
          expect(line).not.toMatch(/[\n\r]/);
          // Injection attempts (`a\nsoil,evil=1 x=1`, `a b=c`, trailing backslash) stay inside their tag.
          expect(tagValues(line)).toEqual([sanitizeTag(coop), sanitizeTag(device)]);
          expect(line.endsWith(' 1795800000123')).toBe(true);
        },
      ),
    );
  });

  it('sanitizes what the client would mis-escape', () => {
    expect(sanitizeTag('field-1\\')).toBe('field-1');
    expect(sanitizeTag('a\\ b')).toBe('a b');
    expect(sanitizeTag('a\nsoil,evil=1 x=1')).toBe('asoil,evil=1 x=1');
    expect(sanitizeStringField('two\r\nlines\nhere')).toBe('two lines here');
  });
});
