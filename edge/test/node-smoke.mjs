// The smoke run in Node, with simdeep imported by name from this directory's node_modules (the `import`
// condition, inlined wasm, worker_threads): prints its result as JSON for the edge tests to compare with.
import * as sd from 'simdeep';
import { smoke } from '../../tests/smoke/smoke.mjs';

console.log(JSON.stringify(await smoke(sd, { threads: 2 })));
