// Runs a TypeScript script inside fresh network and mount namespaces (`unshare --net --mount`, as root): only `lo`
// exists there, brought up, and a hosts file of the test's own is bind-mounted over /etc/hosts. DNS names then resolve
// to whatever the test says without any resolver, and no packet can leave the machine.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface NamespaceAvailability {
  readonly available: boolean;
  /** Why not, for the skipped tests' names. */
  readonly reason?: string;
}

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

// Inside the namespaces: loopback up, the hosts file (and a host.conf asking for every address of a name) bind-mounted;
// unshare makes the new mount namespace private, so the mounts never reach the machine's own /etc.
const SETUP = [
  'ip link set lo up',
  'mount --bind "$1" /etc/hosts',
  '{ [ ! -e /etc/host.conf ] || mount --bind "$2" /etc/host.conf; }',
  'shift 2',
  'exec "$@"',
].join(' && ');

let availability: NamespaceAvailability | undefined;

/** Whether this machine lets the tests make the namespaces (root and util-linux unshare); checked once. */
export function networkNamespaceAvailability(): NamespaceAvailability {
  availability ??= (() => {
    const check = spawnSync('unshare', ['--net', '--mount', 'sh', '-c', 'ip link set lo up'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    if (check.error) return { available: false, reason: `unshare could not run: ${check.error.message}` };
    if (check.status !== 0) {
      const said = check.stderr.trim().split('\n')[0] ?? '';
      return { available: false, reason: `unshare --net --mount failed (exit ${check.status}): ${said}` };
    }
    return { available: true };
  })();
  return availability;
}

/**
 * Runs `script` (relative to the repository) with `node --import tsx` in the namespaces, `input` as JSON on stdin,
 * and returns what it printed as JSON on its last line. `hosts` maps names to addresses, one name per line.
 */
export async function runInNetworkNamespace(
  script: string,
  hosts: ReadonlyArray<readonly [address: string, name: string]>,
  input: unknown,
  timeoutMs = 30_000,
): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'rollgate-netns-'));
  try {
    const hostsFile = join(dir, 'hosts');
    const hostConf = join(dir, 'host.conf');
    writeFileSync(hostsFile, hosts.map(([address, name]) => `${address} ${name}\n`).join(''));
    writeFileSync(hostConf, 'multi on\n');
    const args = ['--net', '--mount', 'sh', '-c', SETUP, 'netns', hostsFile, hostConf];
    const command = [process.execPath, '--import', 'tsx', join(REPO_ROOT, script)];
    const stdout = await new Promise<string>((done, fail) => {
      const child = execFile(
        'unshare',
        [...args, ...command],
        { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
        (error, out, err) => (error ? fail(new Error(`${error.message}\n${err}`, { cause: error })) : done(out)),
      );
      child.stdin?.end(JSON.stringify(input));
    });
    const lastLine = stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(lastLine);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
