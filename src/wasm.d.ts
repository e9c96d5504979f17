// The build inlines each imported .wasm file as a base64 string (tsup's base64 loader, vitest's plugin).
declare module '*.wasm' {
  const base64: string;
  export default base64;
}
