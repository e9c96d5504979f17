// Runs the smoke checks with simdeep imported by name, in whichever runtime runs this file, and prints one JSON
// line: the runtime, its version and the smoke result.
import * as sd from 'simdeep';
import { smoke } from './smoke.mjs';

const [runtime, version] = globalThis.Deno ? ['deno', Deno.version.deno]
  : globalThis.Bun ? ['bun', Bun.version] : ['node', process.versions.node];
console.log(JSON.stringify({ runtime, version, ...(await smoke(sd, { threads: 2 })) }));
