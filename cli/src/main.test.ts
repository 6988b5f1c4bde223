import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from './main.js';

describe('shamba CLI', () => {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  afterEach(() => {
    log.mockClear();
    error.mockClear();
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints its usage and exits 0', async (name) => {
    expect(await main([name, '--help'], {})).toBe(0);
    expect(log.mock.calls[0]?.[0]).toMatch(new RegExp(`^Usage: shamba ${name}`));
  });

  it('lists the commands and refuses an unknown one', async () => {
    expect(await main(['--help'], {})).toBe(0);
    expect(log.mock.calls[0]?.[0]).toContain('start');
    expect(await main(['plough'], {})).toBe(2);
    expect(error.mock.calls[0]?.[0]).toMatch(/unknown command "plough"/);
  });
});
