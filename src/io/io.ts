// The `io` namespace: TF.js-style IO handlers (see handlers.ts).
export { fromMemory, withSaveHandler, http, fileSystem } from './handlers';
