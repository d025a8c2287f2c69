// A chain's records in a local evidence directory, for `rollgate evidence verify --evidence-dir`: what `rollgate
// monitor` writes (checks/<monitor>/...), what `rollgate gate --state-dir` keeps (rollout/deploys/<service>/...), or a
// copy of the bucket. The chain's prefix is looked for in the directory and in its folders one level down.

import type { Dirent } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { EvidenceReadError, describeError } from '../../core/errors.ts';
import type { EvidenceChainSource } from '../../core/evidence/evidence-chain-source.ts';
import { MAX_EVIDENCE_BYTES } from '../evidence-document-text.ts';

/** A chain's records are four folders deep under its prefix at most (YYYY/MM/DD/file); deeper is not walked. */
const MAX_DEPTH = 4;
/** Files listed in one walk, at most. */
const MAX_FILES = 1_000_000;

export class FsEvidenceChainSource implements EvidenceChainSource {
  public readonly directory: string;
  /** Where the prefix was found: the directory itself, or a folder in it (`rollout/`). */
  private root: string;

  public constructor(directory: string) {
    this.directory = resolve(directory);
    this.root = this.directory;
  }

  public describe(): string {
    return this.directory;
  }

  public uriOf(key: string): string {
    return join(this.root, ...key.split('/'));
  }

  public async listKeys(prefix: string): Promise<string[]> {
    this.root = await this.rootOf(prefix);
    const keys: string[] = [];
    await this.walk(join(this.root, ...prefix.split('/')), 0, keys);
    return keys;
  }

  public async readBytes(key: string): Promise<Uint8Array | undefined> {
    const path = resolve(this.root, ...key.split('/'));
    const inside = relative(this.root, path);
    if (inside === '' || inside.startsWith('..') || inside.split(sep).join('/') !== key) return undefined;
    try {
      const stats = await lstat(path);
      // A link could point anywhere on this machine; a record is a plain file.
      if (!stats.isFile()) return undefined;
      if (stats.size > MAX_EVIDENCE_BYTES) {
        throw new EvidenceReadError(`${path} is larger than any evidence record (${stats.size} bytes)`, {
          errorName: 'RecordTooLarge',
        });
      }
      return new Uint8Array(await readFile(path));
    } catch (error) {
      if (error instanceof EvidenceReadError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new EvidenceReadError(`cannot read ${path}: ${describeError(error)}`, { cause: error });
    }
  }

  /** The directory, or the first folder in it holding the prefix (the gate's `rollout/`); the directory if none does. */
  private async rootOf(prefix: string): Promise<string> {
    if (await isDirectory(join(this.directory, ...prefix.split('/')))) return this.directory;
    let entries: Dirent[];
    try {
      entries = await readdir(this.directory, { withFileTypes: true });
    } catch (error) {
      throw new EvidenceReadError(`cannot read the evidence directory ${this.directory}: ${describeError(error)}`, {
        cause: error,
      });
    }
    for (const entry of entries.filter((one) => one.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const candidate = join(this.directory, entry.name);
      if (await isDirectory(join(candidate, ...prefix.split('/')))) return candidate;
    }
    return this.directory;
  }

  private async walk(folder: string, depth: number, keys: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new EvidenceReadError(`cannot list ${folder}: ${describeError(error)}`, { cause: error });
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH) await this.walk(path, depth + 1, keys);
      else if (entry.isFile()) keys.push(relative(this.root, path).split(sep).join('/'));
      if (keys.length > MAX_FILES) {
        throw new EvidenceReadError(`more than ${MAX_FILES} files under ${folder}: bound verify with --since`, {
          errorName: 'TooManyRecords',
        });
      }
    }
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
