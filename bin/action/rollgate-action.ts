// Entry point of the GitHub Action (action.yml runs it from the npm package as `rollgate-action`): the inputs come in
// as INPUT_* variables, and the exit code is the gate's. All work happens in run-action.ts.
import { runAction } from './run-action.ts';

process.exitCode = await runAction({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
