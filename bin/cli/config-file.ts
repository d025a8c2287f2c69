// Reads a `--config` JSON file as hostile input: at most MAX_CONFIG_FILE_BYTES (so /dev/zero or a runaway file ends),
// strict UTF-8 with an optional BOM, JSON errors by line and column without quoting the file (it may hold header
// secrets), prototype keys refused before any merge, and a JSON object at the top. Every problem is a ConfigError.

import { closeSync, openSync, readSync } from 'node:fs';
import { formatPath } from '../../lambda/core/config/config-schema.ts';
import { ConfigError, errorMessageOf } from '../../lambda/core/errors.ts';
import { rejectPrototypeKeys } from '../../lambda/core/config/reject-prototype-keys.ts';

/** Far above a gate of 10,000 targets with headers and expectations (a few MiB), far below a memory problem. */
export const MAX_CONFIG_FILE_BYTES = 16 * 1024 * 1024;

const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The file's top-level object. `shown` is the path as the user gave it; errors name it (`--config`) or, for a field,
 * prefix the field with it (`gate.json: __proto__`).
 */
export function readConfigFile(path: string, shown: string): Record<string, unknown> {
  let bytes: Buffer;
  try {
    bytes = readAtMost(path, MAX_CONFIG_FILE_BYTES + 1);
  } catch (error) {
    throw new ConfigError('--config', shown, `cannot be read: ${errorMessageOf(error)}`, { cause: error });
  }
  if (bytes.length > MAX_CONFIG_FILE_BYTES) {
    throw new ConfigError('--config', shown, `is larger than ${MAX_CONFIG_FILE_BYTES / 1024 / 1024} MiB`);
  }
  let text: string;
  try {
    // fatal: a broken byte is named, not turned into U+FFFD inside a URL or a header; a leading BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError('--config', shown, 'is not valid UTF-8 text', { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('--config', shown, `is not valid JSON: ${jsonProblem(error, text)}`, { cause: error });
  }
  rejectPrototypeKeys(parsed, (fieldPath) => `${shown}: ${formatPath(fieldPath)}`);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('--config', shown, `must hold a JSON object, not ${jsonTypeOf(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

function readAtMost(path: string, limit: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buffer = Buffer.alloc(READ_CHUNK_BYTES);
    while (total < limit) {
      const read = readSync(fd, buffer, 0, Math.min(buffer.length, limit - total), null);
      if (read === 0) break;
      chunks.push(Buffer.from(buffer.subarray(0, read)));
      total += read;
    }
    return Buffer.concat(chunks);
  } finally {
    closeSync(fd);
  }
}

/**
 * V8's JSON message without the excerpt of the file it quotes (`Unexpected token 'B', "{"a": Bearer xyz"... is not
 * valid JSON`), with the position as line and column.
 */
function jsonProblem(error: unknown, text: string): string {
  const message = errorMessageOf(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  const what = message
    .replace(/, ".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/^(.)/, (first) => first.toLowerCase());
  if (position === undefined) return what;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${what} at line ${line}, column ${column}`;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : typeof value === 'number' ? 'a number' : 'true or false';
}
