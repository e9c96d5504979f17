// A parallel search from a bundle (tests/bundler/node-bundles.test.ts): two worker threads importing the objective
// module named by the first argument.
import { randomSearch, uniform } from 'simdeep';

randomSearch({ space: { x: uniform(0, 4) }, trials: 6, seed: 1, parallel: 2, progress: false, objective: { module: process.argv[2] } })
  .then(({ trials }) => console.log(JSON.stringify(trials.map((t) => t.score))))
  .catch((error) => {
    console.log(JSON.stringify({ error: error.message }));
  });
