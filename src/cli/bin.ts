// Entry of the `simdeep` command (package.json "bin").
import { main } from './main';

// A reader that closes the pipe early (`simdeep train ... | head`) ends the output, not the command: the writes
// after it are dropped, and training and saving the model go on. NOTE: without a listener, EPIPE is thrown as an
// uncaught exception from the next write, killing the process, possibly halfway through saving.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
