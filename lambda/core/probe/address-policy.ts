// Which addresses a probe may connect to. The shell picks the policy (the CLI runs beside the services it gates; a
// Lambda runs beside AWS's credential endpoints and its own runtime API), a target's `allowPrivate` widens it for that
// target, and cloud metadata addresses are refused whatever either says: a health gate never needs them.

import { ADDRESS_CLASS_WORDS, classifyAddress, ipv4Within, type AddressClass } from './address-class.ts';

/** The classes a policy may refuse and a target's `allowPrivate` may allow again. */
export type GuardedAddressClass = Extract<AddressClass, 'loopback' | 'private' | 'link_local'>;

export interface AddressPolicy {
  /** Named in refusals: `refused by the Lambda policy`. */
  readonly name: string;
  /** Refused unless the target sets `allowPrivate`. */
  readonly refused: readonly GuardedAddressClass[];
  /** A loopback port never probed, `allowPrivate` or not: a Lambda's runtime API. */
  readonly reservedLoopbackPort?: number;
}

/** The CLI gates services beside it (localhost, the VPC), but nothing on the link-local network. */
export const CLI_ADDRESS_POLICY: AddressPolicy = { name: 'CLI', refused: ['link_local'] };

/**
 * A Lambda refuses this host, private networks and link-local unless a target sets `allowPrivate`, and never probes
 * its own runtime API (`AWS_LAMBDA_RUNTIME_API`, `127.0.0.1:9001`), where a GET takes the next invocation's event.
 */
export function lambdaAddressPolicy(runtimeApi: string | undefined): AddressPolicy {
  const port = Number(runtimeApi?.slice(runtimeApi.lastIndexOf(':') + 1));
  return {
    name: 'Lambda',
    refused: ['loopback', 'private', 'link_local'],
    ...(Number.isInteger(port) && port > 0 && port < 65_536 ? { reservedLoopbackPort: port } : {}),
  };
}

export interface AddressCandidate {
  /** The host as the URL names it; differs from `address` when a DNS name resolved to it. */
  readonly host: string;
  /** The IP address a connection would go to. */
  readonly address: string;
  readonly port: number;
  readonly allowPrivate: boolean;
}

/** Why a connection to `candidate` is refused, as a sentence for evidence; undefined when it may go ahead. */
export function addressRefusal(candidate: AddressCandidate, policy: AddressPolicy): string | undefined {
  const kind = classifyAddress(candidate.address);
  if (kind === undefined || kind === 'public') return undefined;
  const { host, address, port } = candidate;
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const within = ipv4Within(address);
  const shown = within === undefined ? address : `${address} (${within})`;
  const subject = bare === address ? `${shown} is` : `${bare} resolves to ${shown}, which is`;
  if (kind === 'metadata') return `${subject} ${ADDRESS_CLASS_WORDS.metadata}; never probed`;
  if (kind === 'loopback' && port === policy.reservedLoopbackPort) {
    return `${subject} this host, and port ${port} is the Lambda runtime API; never probed`;
  }
  if (candidate.allowPrivate || !policy.refused.includes(kind)) return undefined;
  return `${subject} ${ADDRESS_CLASS_WORDS[kind]}; refused by the ${policy.name} policy unless the target sets allowPrivate`;
}
