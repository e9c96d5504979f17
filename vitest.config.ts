import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { wasmTextVite as wasmText } from './scripts/wasm-text';

// Each imported .wasm is inlined as text (src/runtime/wasmText.ts), as tsup.config.ts does for the bundle.

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The workers of src/ for code that runs in Node (vitest's, and the browser config's smokeInNode): Node runs no
 * TypeScript, so each `new URL('./<worker>.js', import.meta.url)` of a module in src/ is pointed at its <worker>.ts
 * bundled by esbuild into node_modules/.cache/simdeep-workers/ (once per content), as tsup makes dist/<worker>.js.
 * Browsers keep the URL: Vite serves <worker>.ts for it.
 */
export const workerFiles = (): Plugin => {
  const built = new Map<string, Promise<string>>();
  const bundle = async (source: string): Promise<string> => {
    const result = await build({ entryPoints: [source], bundle: true, format: 'esm', platform: 'node', target: 'es2022',
      write: false, external: ['node:*'], logLevel: 'error' });
    const text = result.outputFiles[0].text;
    const dir = join(root, 'node_modules', '.cache', 'simdeep-workers');
    const file = join(dir, `${basename(source, '.ts')}-${createHash('sha256').update(text).digest('hex').slice(0, 12)}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${file}.${process.pid}`, text);
      renameSync(`${file}.${process.pid}`, file); // whole, even for another test run reading it
    }
    return pathToFileURL(file).href;
  };
  return {
    name: 'simdeep-workers',
    enforce: 'pre',
    async transform(code, id) {
      if (this.environment.config.consumer !== 'server' || !id.startsWith(join(root, 'src'))) return null;
      const pattern = /new URL\((?:\/\*[^*]*\*\/\s*)?(['"])\.\/(worker\w*)\.js\1, import\.meta\.url\)/g;
      const sources = [...code.matchAll(pattern)].map((m) => join(dirname(id), `${m[2]}.ts`)).filter((f) => existsSync(f));
      if (sources.length === 0) return null;
      for (const source of sources) if (!built.has(source)) built.set(source, bundle(source));
      const urls = new Map(await Promise.all(sources.map(async (f) => [f, await built.get(f)!] as const)));
      const replaced = code.replace(pattern, (whole, _quote: string, name: string) => {
        const url = urls.get(join(dirname(id), `${name}.ts`));
        return url ? `new URL(${JSON.stringify(url)})` : whole;
      });
      return { code: replaced, map: null };
    },
  };
};

export default defineConfig({
  plugins: [wasmText(), workerFiles()],
  // The examples import the package by name; in tests that name is the TypeScript source, not the built dist/.
  resolve: { alias: [{ find: /^simdeep$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }] },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/browser/**', 'node_modules/**'],
    environment: 'node',
    execArgv: ['--expose-gc', '--experimental-wasm-relaxed-simd'], // gc() on demand; relaxed SIMD on Node 20
  },
});
