// A failing port as the run records it: which port, the underlying error's name and its redacted message.

import { errorMessageOf, errorNameOf } from '../errors.ts';
import type { EvidenceFault, FaultPort } from '../evidence/evidence.ts';
import type { Redactor } from '../secrets/redact.ts';

/** A problem with the infrastructure behind a port, recorded so the shell can log and surface it. */
export interface PortProblem {
  readonly port: FaultPort;
  readonly error_name: string;
  readonly message: string;
  readonly cause: unknown;
}

/**
 * A port's failure as recorded: the underlying error's name (a PortError's `errorName`, e.g. AWS's), else the error's
 * own (a PortError with no cause), and its redacted message.
 */
export function problemOf(port: FaultPort, error: unknown, redactor: Redactor): PortProblem {
  const underlying =
    typeof error === 'object' && error !== null && 'errorName' in error && typeof error.errorName === 'string'
      ? error.errorName
      : 'Error';
  const errorName = underlying === 'Error' ? errorNameOf(error) : underlying;
  return { port, error_name: errorName, message: redactor.text(errorMessageOf(error)), cause: error };
}

export function faultOf({ port, error_name, message }: PortProblem): EvidenceFault {
  return { port, error_name, message };
}
