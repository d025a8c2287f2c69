// The address guard at connect time: a `lookup` for http.request that resolves every address of a name and refuses
// the name when any of them is refused. The socket connects only to addresses this lookup returned, so there is no
// window between the check and the connect for a DNS answer to change.

import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { AddressRefusedError } from './probe-error.ts';

/** Every address of a name, as dns.lookup with `all: true` gives them. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/** `refusalOf(host, address)` says why `address` (resolved from `host`) is refused, or undefined when it is allowed. */
export function guardedLookup(
  refusalOf: (host: string, address: string) => string | undefined,
  resolveAll: ResolveAll = systemResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '');
        return;
      }
      for (const { address } of addresses) {
        const refusal = refusalOf(hostname, address);
        if (refusal !== undefined) {
          callback(new AddressRefusedError(refusal), '');
          return;
        }
      }
      const [first] = addresses;
      // net asks for every address when it races IPv4 and IPv6 (autoSelectFamily), for one otherwise.
      if (options.all) callback(null, addresses);
      else if (first !== undefined) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
    });
  };
}
