// File names for state items in a directory: every character outside [a-z0-9._-] escaped as %XX, so no key can name
// a path outside the directory, and two keys differing only in case (`monitor#Web`, `monitor#web`) stay two files on
// a case-insensitive file system. A name too long for a file system falls back to the key's SHA-256.

import { createHash } from 'node:crypto';

export const STATE_FILE_SUFFIX = '.json';
/** Most file systems allow 255 bytes; stay well inside. */
const MAX_FILE_NAME_CHARS = 200;
/** Marks a hashed name; `~` never appears in an escaped one, so the two kinds of name cannot collide. */
const HASHED_MARKER = '~';

/** The file name of a state key (the key itself is also stored inside the file, and checked on read). */
export function stateFileName(key: string): string {
  const escaped = key.replace(/[^a-z0-9._-]/g, (character) => escapeCharacter(character));
  const name = `${escaped}${STATE_FILE_SUFFIX}`;
  if (name.length <= MAX_FILE_NAME_CHARS) return name;
  const kind = escaped.slice(0, escaped.indexOf('%23'));
  return `${kind}%23${HASHED_MARKER}${createHash('sha256').update(key).digest('hex')}${STATE_FILE_SUFFIX}`;
}

/** The key a file name spells, or undefined for a hashed or foreign name (the file's content names its key then). */
export function keyOfStateFileName(name: string): string | undefined {
  if (!name.endsWith(STATE_FILE_SUFFIX) || name.includes(HASHED_MARKER)) return undefined;
  const escaped = name.slice(0, -STATE_FILE_SUFFIX.length);
  if (!/^(?:[a-z0-9._-]|%[0-9A-F]{2})+$/.test(escaped)) return undefined;
  try {
    return decodeURIComponent(escaped);
  } catch {
    return undefined;
  }
}

function escapeCharacter(character: string): string {
  return [...Buffer.from(character, 'utf8')]
    .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');
}
