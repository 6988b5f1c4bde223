import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MAX_FIELD_CHARS, createRefusalLog, errorText } from './refusal-log.js';

describe('the refusal log', () => {
  it('logs a source and reason once a minute, with the count of repeats it stood for', () => {
    let now = 0;
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { base: null, timestamp: false },
      {
        write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
      },
    );
    const log = createRefusalLog(logger, { clock: () => now });
    for (let i = 0; i < 1000; i++)
      log.note({ source: 'dev-1', reason: 'TOO_MANY_SUBSCRIPTIONS' }, { i }, 'refused');
    log.note({ source: 'dev-1', reason: 'RATE_LIMITED' }, {}, 'cut');
    log.note({ source: 'dev-2', reason: 'TOO_MANY_SUBSCRIPTIONS' }, {}, 'refused');
    now = 60_000;
    log.note({ source: 'dev-1', reason: 'TOO_MANY_SUBSCRIPTIONS' }, { i: 1000 }, 'refused');
    expect(lines).toEqual([
      { level: 40, i: 0, reason: 'TOO_MANY_SUBSCRIPTIONS', msg: 'refused' },
      { level: 40, reason: 'RATE_LIMITED', msg: 'cut' },
      { level: 40, reason: 'TOO_MANY_SUBSCRIPTIONS', msg: 'refused' },
      { level: 40, i: 1000, reason: 'TOO_MANY_SUBSCRIPTIONS', suppressed: 999, msg: 'refused' },
    ]);
  });
});

describe('an error as a log field', () => {
  it('is its message alone, cut to MAX_FIELD_CHARS', () => {
    const error = new Error('x'.repeat(10_000), { cause: new Error('inner') });
    const text = errorText(error);
    expect(text).toHaveLength(MAX_FIELD_CHARS);
    expect(text.endsWith('… (10000 characters, cut)')).toBe(true);
    expect(errorText(new Error('disk full'))).toBe('disk full');
    expect(errorText('a string thrown')).toBe('a string thrown');
  });
});
