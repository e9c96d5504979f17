// Entry of the `simdeep` command (package.json "bin").
import { main } from './main';

main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
