// as-pect: AssemblyScript kernel tests in tests/assembly/ (the tree mirrors assembly/); compiled with
// as-pect.asconfig.json, which extends ./asconfig.json (features and runtime only; shared memory stays in dist/debug).
export default {
  entries: ['tests/assembly/**/*.spec.ts'],
  include: [],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
