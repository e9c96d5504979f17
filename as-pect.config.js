// as-pect runs tests/assembly/**/*.spec.ts (the tree mirrors assembly/). Each spec is compiled with
// as-pect.asconfig.json, which extends ./asconfig.json for features and runtime only: the shared-memory settings live
// in its dist/debug targets, so the test module owns an ordinary memory and ignores the one passed here.
export default {
  entries: ['tests/assembly/**/*.spec.ts'],
  async instantiate(memory, createImports, instantiate, binary) {
    // gemmHost: the training kernel's product for large matrices (src/runtime/threads.ts in the library); the specs
    // keep their products below that size, so it is never called here.
    const gemmHost = () => { throw new Error('gemmHost is not available in kernel specs'); };
    // lossHost and layerHost: custom losses and layers (src/nn/custom-host.ts), which no spec has.
    const lossHost = () => { throw new Error('lossHost is not available in kernel specs'); };
    const layerHost = () => { throw new Error('layerHost is not available in kernel specs'); };
    return instantiate(binary, createImports({ env: { memory, gemmHost, lossHost, layerHost } }));
  },
};
