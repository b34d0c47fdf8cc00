import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's folder (where package.json is), found from this file whether it runs from its
 * TypeScript source (src/util/) or compiled (dist/src/util/): migrations and bundled assets live
 * there, not under dist/.
 */
export const PROJECT_ROOT = ((start: string): string => {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    if (dirname(dir) === dir) return join(start, '../..');
  }
})(dirname(fileURLToPath(import.meta.url)));
