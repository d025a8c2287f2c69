// Entry point of the `rollgate` CLI: picks the command and exits with its code. All work happens in bin/cli/.
import { runCli } from './cli/run-cli.ts';

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
