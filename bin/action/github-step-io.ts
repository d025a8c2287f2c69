// How a step talks back to GitHub Actions: outputs appended to $GITHUB_OUTPUT, markdown to $GITHUB_STEP_SUMMARY, and
// workflow commands on stdout. Values may hold text a service sent, so none of them can end an output early or start
// a command of its own.

import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

/**
 * Outputs in the multi-line form (`name<<DELIMITER`), with a delimiter the value cannot contain, so a line break in a
 * value cannot set another output.
 */
export function formatOutputs(outputs: Readonly<Record<string, string>>): string {
  return Object.entries(outputs)
    .map(([name, value]) => {
      let delimiter = `ghadelimiter_${randomUUID()}`;
      while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
      return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
    })
    .join('');
}

/** Appends to the file a GitHub variable names; nothing when the variable is unset (a run outside Actions). */
export function appendToWorkflowFile(
  env: Readonly<Record<string, string | undefined>>,
  variable: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY',
  text: string,
): boolean {
  const file = env[variable];
  if (file === undefined || file === '') return false;
  appendFileSync(file, text, 'utf8');
  return true;
}

/** An `::error` annotation; its text escaped the way the runner reads it back, so it stays one command. */
export function errorAnnotation(title: string, message: string): string {
  const data = (text: string) => text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
  const property = (text: string) => data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
  return `::error title=${property(title)}::${data(message)}\n`;
}

/**
 * Brackets output that may carry text from the services probed (alerts, reasons, rollback output): between the two
 * lines, the runner treats nothing as a workflow command.
 */
export function stopCommands(): { readonly stop: string; readonly resume: string } {
  const token = `rollgate-${randomUUID()}`;
  return { stop: `::stop-commands::${token}\n`, resume: `::${token}::\n` };
}
