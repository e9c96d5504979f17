// jsfive ships no types: the part of its API keras-h5.ts uses (every value it hands back is checked there).
declare module 'jsfive' {
  export class File {
    constructor(buffer: ArrayBuffer, name: string);
  }
}
