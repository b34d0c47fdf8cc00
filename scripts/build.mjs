// `npm run build` (also run by `npm ci` / `npm install` through `prepare`, and by `npm start` when
// the sources changed): compiles the TypeScript into dist/ with tsc (tsconfig.build.json), and
// copies the worker threads' plain-JavaScript entry beside the compiled modules. `--if-stale` builds
// only when a file under src/, commands/ or the tsconfigs is newer than the last build (a few ms
// to find out), so `npm start` never runs code older than the sources.
//
// Plain JavaScript, so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.built');
/** What the build reads: a change to any of them (a directory's mtime moves when a file in it is added or removed) means rebuild. */
const INPUTS = ['src', 'commands', 'bench/startup-child.ts', 'bench/support.ts', 'tsconfig.json', 'tsconfig.build.json'];
const WORKER_ENTRY = 'src/util/worker-entry.mjs';

/** The newest modification time under `path` (files and directories), in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function stale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((input) => newest(join(ROOT, input)) > built);
}

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.error('steward: cannot build dist/: TypeScript is not installed (run `npm ci`, without --omit=dev)');
  process.exit(1);
}
const startedAt = Date.now();
const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('steward: the TypeScript did not compile (see above; `npm run typecheck` checks it)');
  process.exit(result.status ?? 1);
}
mkdirSync(join(DIST, dirname(WORKER_ENTRY)), { recursive: true });
copyFileSync(join(ROOT, WORKER_ENTRY), join(DIST, WORKER_ENTRY));
// The stamp is dated from before the compile began, so a file saved during it counts as newer.
writeFileSync(STAMP, `${new Date(startedAt).toISOString()}\n`);
utimesSync(STAMP, new Date(startedAt), new Date(startedAt));
