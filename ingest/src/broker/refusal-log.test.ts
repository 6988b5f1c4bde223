import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { boundReason } from '../pipeline/dead-letter-writer.js';
import { createCommitTracker } from './commit-health.js';
import { createRefusalLog } from './refusal-log.js';

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
    for (let i = 0; i < 1000; i++) log.note('dev-1', 'TOO_MANY_SUBSCRIPTIONS', { i }, 'refused');
    log.note('dev-1', 'RATE_LIMITED', {}, 'cut');
    log.note('dev-2', 'TOO_MANY_SUBSCRIPTIONS', {}, 'refused');
    now = 60_000;
    log.note('dev-1', 'TOO_MANY_SUBSCRIPTIONS', { i: 1000 }, 'refused');
    expect(lines).toEqual([
      { level: 40, i: 0, reason: 'TOO_MANY_SUBSCRIPTIONS', msg: 'refused' },
      { level: 40, reason: 'RATE_LIMITED', msg: 'cut' },
      { level: 40, reason: 'TOO_MANY_SUBSCRIPTIONS', msg: 'refused' },
      { level: 40, i: 1000, reason: 'TOO_MANY_SUBSCRIPTIONS', suppressed: 999, msg: 'refused' },
    ]);
  });
});

describe('bounded texts and commit health', () => {
  it('cuts a long reason to 500 characters, saying how long it was', () => {
    const reason = boundReason('x'.repeat(147_000));
    expect(reason).toHaveLength(500);
    expect(reason.endsWith('… (147000 characters)')).toBe(true);
    expect(boundReason('vwc10=7 is outside 0..1')).toBe('vwc10=7 is outside 0..1');
  });

  it('reports the store failing while its newest commit failed within the last minute', () => {
    let now = 0;
    const commits = createCommitTracker(() => now);
    commits.succeeded();
    now = 1000;
    commits.failed();
    commits.failed();
    expect(commits.snapshot()).toEqual({
      lastCommitMs: 0,
      lastFailureMs: 1000,
      failuresLastMinute: 2,
      failing: true,
    });
    now = 2000;
    commits.succeeded();
    expect(commits.snapshot().failing).toBe(false);
    now = 61_000;
    commits.failed();
    now = 121_001;
    expect(commits.snapshot()).toEqual({
      lastCommitMs: 2000,
      lastFailureMs: 61_000,
      failuresLastMinute: 0,
      failing: false,
    });
  });
});
