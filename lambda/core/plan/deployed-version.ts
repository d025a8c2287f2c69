// The version a run put out, as the planner records it: the deploy's (with its previousVersion hint, digest and
// commit), or the CLI gate's expected version. A monitor puts out none.

import type { DeployRecord } from '../gate/ports.ts';
import type { DeployedVersion } from './run-plan.ts';

export function deployedVersionOf(
  deploy: DeployRecord | undefined,
  gateVersion: string | undefined,
): DeployedVersion | undefined {
  if (deploy !== undefined) {
    return {
      version: deploy.version,
      ...(deploy.previous_version !== undefined ? { previousVersion: deploy.previous_version } : {}),
      ...(deploy.digest !== undefined ? { digest: deploy.digest } : {}),
      ...(deploy.commit !== undefined ? { commit: deploy.commit } : {}),
    };
  }
  return gateVersion !== undefined ? { version: gateVersion } : undefined;
}
