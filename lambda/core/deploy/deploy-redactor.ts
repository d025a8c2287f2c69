// The redactor of a deploy step that records text it did not produce itself (rollback output, a port's error): every
// header value the service's targets send and every credential in their URLs, as the probes redact them. Resolved
// once per ports object, so the in-process driver reads each secret once for the whole deploy.

import { createRedactor, secretsOfUrl, type Redactor } from '../secrets/redact.ts';
import { resolveHeaders } from '../secrets/resolve-headers.ts';
import type { DeployPorts } from './deploy-ports.ts';

const resolved = new WeakMap<DeployPorts, Promise<Redactor>>();

export function deployRedactor(ports: DeployPorts): Promise<Redactor> {
  let redactor = resolved.get(ports);
  if (redactor === undefined) {
    redactor = buildRedactor(ports);
    resolved.set(ports, redactor);
  }
  return redactor;
}

async function buildRedactor(ports: DeployPorts): Promise<Redactor> {
  const urlSecrets = ports.gate.targets.flatMap((target) => secretsOfUrl(target.url));
  try {
    const headers = await resolveHeaders(ports.gate.targets, ports.secrets);
    return createRedactor([...headers.secretValues, ...urlSecrets]);
  } catch {
    // A secret that cannot be read now was not sent by this step either: what is left to scrub is what a service
    // echoed earlier, and the pattern redaction (tokens, keys, Authorization values) still covers that.
    return createRedactor(urlSecrets);
  }
}
