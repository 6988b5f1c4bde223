import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webText } from '@shamba/delivery';

const DASHBOARD = fileURLToPath(new URL('.', import.meta.url));

/** A missing key comes back as itself; a present one renders (or asks for its arguments). */
function hasText(key: string): boolean {
  try {
    return webText(key, 'en') !== key;
  } catch {
    return true;
  }
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.includes('.test.') ? [path] : [];
  });
}

// A text key the pages name but the locale files lack shows as the key itself: caught here.
describe('the dashboard texts', () => {
  it('every key a page names literally is in the English locale file', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of sources(DASHBOARD)) {
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/\bt\(\s*c\s*,\s*'([\w.-]+)'/g)) {
        seen++;
        const key = match[1]!;
        if (!hasText(key)) missing.push(`${file}: ${key}`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
