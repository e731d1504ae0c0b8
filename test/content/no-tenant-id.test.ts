/**
 * An insurer is content: no tenant id (a folder of content/) appears anywhere in src/, so that no code
 * branches on one insurer and adding the next one needs no code change.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';

const contentDir = join(ROOT, 'content');
const tenantIds = readdirSync(contentDir).filter((d) => statSync(join(contentDir, d)).isDirectory() && readdirSync(join(contentDir, d)).includes('tenant.yaml'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('no tenant id in src/', () => {
  it('knows the shipped tenants', () => {
    expect(tenantIds.sort()).toEqual(['atupri', 'kpt']);
  });

  it('finds none of them in any source file, comments included', () => {
    const found: string[] = [];
    const pattern = new RegExp(`\\b(${tenantIds.join('|')})\\b`);
    for (const file of filesUnder(join(ROOT, 'src'))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
