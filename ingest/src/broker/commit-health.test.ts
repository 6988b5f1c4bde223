import { describe, expect, it } from 'vitest';
import { createCommitTracker } from './commit-health.js';

describe('commit health', () => {
  it('reports the store failing while its newest commit failed within the last minute', () => {
    let now = 0;
    const commits = createCommitTracker(() => now);
    expect(commits.snapshot()).toEqual({
      lastCommitMs: null,
      lastFailureMs: null,
      failuresLastMinute: 0,
      failing: false,
    });
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
    expect(commits.snapshot()).toEqual({
      lastCommitMs: 2000,
      lastFailureMs: 1000,
      failuresLastMinute: 2,
      failing: false,
    });
    now = 61_000; // a new minute: the count starts again
    commits.failed();
    expect(commits.snapshot()).toMatchObject({ failuresLastMinute: 1, failing: true });
    now = 121_001;
    expect(commits.snapshot()).toEqual({
      lastCommitMs: 2000,
      lastFailureMs: 61_000,
      failuresLastMinute: 0,
      failing: false,
    });
  });
});
