// `rollgate init`: writes a starter gate config and prints how to run it in CI (GitHub Actions, GitLab CI, a plain
// shell). It never overwrites a file: a second run exits 2 naming the file that is already there.

import { writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_JSON_SCHEMA_FILE } from '../../../lambda/core/config/config-json-schema.ts';
import { errorMessageOf } from '../../../lambda/core/errors.ts';
import { EXIT_PASSED, EXIT_USAGE } from '../../../lambda/core/verdict/verdict.ts';
import type { CliIo } from '../cli-io.ts';
import { INIT_HELP } from '../help-text.ts';
import { ROLLGATE_VERSION } from '../version.ts';

export const DEFAULT_INIT_CONFIG = 'rollgate.config.json';
/** Where the package keeps the config's JSON Schema, from the project root that installed it. */
export const CONFIG_SCHEMA_PATH = `node_modules/rollgate/${CONFIG_JSON_SCHEMA_FILE}`;
/** The GitHub Action, at the release matching this CLI. */
export const ACTION_REFERENCE = `rollgate/rollgate@v${ROLLGATE_VERSION}`;

export async function runInitCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`rollgate init: ${errorMessageOf(error)}; try 'rollgate init --help'\n`);
    return EXIT_USAGE;
  }
  if (values.help) {
    io.stdout.write(INIT_HELP);
    return EXIT_PASSED;
  }
  const shown = values.config ?? DEFAULT_INIT_CONFIG;
  const path = resolve(io.cwd, shown);
  try {
    // `wx`: created here or not at all, so an existing config is never replaced, even by a race.
    writeFileSync(path, starterConfig(path, io.cwd), { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    io.stderr.write(
      exists
        ? `rollgate init: ${shown} already exists; not overwriting it (move it away, or pass --config OTHER.json)\n`
        : `rollgate init: cannot write ${shown}: ${errorMessageOf(error)}\n`,
    );
    return EXIT_USAGE;
  }
  io.stdout.write(guidance(shown));
  return EXIT_PASSED;
}

/** The config: two example targets with expectations; the `$schema` path is relative to the file, as editors read it. */
export function starterConfig(path: string, projectRoot: string): string {
  const schema = relative(dirname(path), resolve(projectRoot, CONFIG_SCHEMA_PATH)).split('\\').join('/');
  const config = {
    $schema: schema.startsWith('.') ? schema : `./${schema}`,
    targets: [
      {
        name: 'web',
        url: 'https://www.example.com/health',
        expect: { status: [200], maxLatencyMs: 1500 },
      },
      {
        name: 'api',
        url: 'https://api.example.com/version',
        expect: { status: ['200-299'], bodyContains: 'ok' },
      },
    ],
    timeoutMs: 5000,
    retries: 2,
    backoffMs: 250,
    failOnSkipped: true,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** JSON has no comments and the config schema takes no extra fields, so what to change is said here instead. */
function guidance(file: string): string {
  const gate = `npx rollgate gate --config ${file}`;
  return `Wrote ${file}. Before the first run:
  - targets: replace both examples with your service's health and version URLs. Each may have a "name", "headers"
    (a secret as {"env": "API_TOKEN"}, never the value itself) and "expect": "status" (codes or ranges like
    "200-299"), "maxLatencyMs", "bodyContains", "version".
  - the version the deploy must report: pass --expect-version (e.g. the commit or tag) or add "expectedVersion".
  - a rollback: add "rollback": {"command": "./scripts/rollback.sh"}; it runs with /bin/sh -c when the gate fails.
  - failOnSkipped: true makes a gate with no targets fail (exit 3) rather than pass unnoticed.
  Try it now without probing anything: npx rollgate gate --config ${file} --dry-run

GitHub Actions, after the deploy step:
  - name: Runtime health gate
    uses: ${ACTION_REFERENCE}
    with:
      config: ${file}
      expect-version: \${{ github.sha }}
  - name: Upload gate evidence
    if: always()
    uses: actions/upload-artifact@v4
    with:
      name: rollout-health-gate
      path: artifacts/rollout/

GitLab CI:
  health-gate:
    stage: deploy
    needs: [deploy]        # your deploy job
    image: node:22
    script:
      - ${gate} --expect-version "$CI_COMMIT_SHA"
    artifacts:
      when: always
      paths: [artifacts/rollout/]

Any shell (Node.js 20 or later):
  ${gate} --expect-version "$VERSION"
  . artifacts/rollout/health-gate.env && echo "$HEALTH_GATE_STATUS"
`;
}
