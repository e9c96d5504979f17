// The build inlines each imported .wasm file as a string: the text of runtime/wasmText.ts (tsup's and vitest's
// plugins).
declare module '*.wasm' {
  const text: string;
  export default text;
}
