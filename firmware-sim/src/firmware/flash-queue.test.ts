import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFlashQueue } from './flash-queue.js';

const sample = (timeMs: number) => ({
  deviceId: 'probe-1',
  stream: 'soil' as const,
  timeMs,
  values: { vwc10: 0.2 },
});
const path = () => join(mkdtempSync(join(tmpdir(), 'shamba-flash-')), 'probe-1.log');

describe('flash queue', () => {
  it('keeps unacknowledged readings and the sequence number across a restart', () => {
    const file = path();
    const q = openFlashQueue({ path: file });
    [1, 2, 3, 4].forEach((t) => q.push(sample(t)));
    q.ack(2);
    const reopened = openFlashQueue({ path: file });
    expect(reopened.peek(10).map((r) => [r.seq, r.timeMs])).toEqual([
      [2, 3],
      [3, 4],
    ]);
    expect(reopened.push(sample(5)).seq).toBe(4);
  });

  it('ignores a line torn by a crash mid-write', () => {
    const file = path();
    const q = openFlashQueue({ path: file });
    q.push(sample(1));
    appendFileSync(file, '{"r":{"deviceId":"probe-1","str');
    expect(
      openFlashQueue({ path: file })
        .peek(10)
        .map((r) => r.timeMs),
    ).toEqual([1]);
  });

  it('drops the oldest when full, like a ring buffer, and counts it', () => {
    const q = openFlashQueue({ path: path(), capacity: 3 });
    [1, 2, 3, 4, 5].forEach((t) => q.push(sample(t)));
    expect([q.peek(10).map((r) => r.timeMs), q.dropped]).toEqual([[3, 4, 5], 2]);
  });

  it('compacts its log without losing the sequence number', () => {
    const file = path();
    const q = openFlashQueue({ path: file });
    for (let t = 0; t < 1000; t++) {
      q.push(sample(t));
      q.ack(1);
    }
    expect(readFileSync(file, 'utf8').split('\n').length).toBeLessThan(300);
    expect(openFlashQueue({ path: file }).push(sample(1000)).seq).toBe(1000);
  });
});
