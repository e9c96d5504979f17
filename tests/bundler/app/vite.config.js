// A plain Vite app that imports simdeep from its node_modules. ASSET_INLINE_LIMIT=0 turns off the inlining of
// small assets (default 4096 bytes); the test builds it both ways. A plain object, so the config needs no imports.
const coi = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default {
  base: './',
  server: { headers: coi },
  preview: { headers: coi },
  build: {
    target: 'es2022',
    outDir: process.env.OUT_DIR ?? 'dist',
    assetsInlineLimit: process.env.ASSET_INLINE_LIMIT ? Number(process.env.ASSET_INLINE_LIMIT) : undefined,
  },
};
