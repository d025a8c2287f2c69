// Reads a $GITHUB_OUTPUT file the way the Actions runner does: `name=value` lines, and `name<<DELIMITER` blocks that
// run to the line holding only the delimiter. Tests use it to see exactly which outputs a step set.

export function parseGithubOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) throw new Error(`output ${name}: no closing delimiter ${delimiter}`);
      outputs[name] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals < 0) throw new Error(`not an output line: ${JSON.stringify(line)}`);
    outputs[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return outputs;
}
