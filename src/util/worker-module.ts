/**
 * Where a worker thread starts: worker-entry.mjs (plain JavaScript, so any Node loads it), and
 * the module it imports, `name`.ts beside `from` when running from the TypeScript sources or
 * `name`.js when compiled (dist/). Give the result as the Worker's (or piscina's) filename and
 * `workerData.module`.
 */
export function workerModule(from: string, name: string): { entry: string; module: string } {
  const fromSource = from.endsWith('.ts');
  return {
    entry: new URL('./worker-entry.mjs', import.meta.url).href,
    module: new URL(`./${name}${fromSource ? '.ts' : '.js'}`, from).href,
  };
}
