import { describe, expect, it } from 'vitest';
import { truncateText } from './truncate.js';

describe('truncateText', () => {
  it('keeps short text and cuts long text to the limit, saying how long it was', () => {
    expect(truncateText('vwc10=7 is outside 0..1', 500)).toBe('vwc10=7 is outside 0..1');
    const cut = truncateText('x'.repeat(147_000), 500);
    expect(cut).toHaveLength(500);
    expect(cut).toBe(`${'x'.repeat(474)}… (147000 characters, cut)`);
  });
});
