// as-pect runs tests/assembly/**/*.spec.ts (the tree mirrors assembly/). Each spec is compiled with
// as-pect.asconfig.json, which extends ./asconfig.json for features and runtime only: the shared-memory settings live
// in its dist/debug targets, so the test module owns an ordinary memory and ignores the one passed here.
export default {
  entries: ['tests/assembly/**/*.spec.ts'],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
};
