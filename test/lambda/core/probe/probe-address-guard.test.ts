import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { classifyAddress, type AddressClass } from '../../../../lambda/core/probe/address-class.ts';
import {
  addressRefusal,
  CLI_ADDRESS_POLICY,
  lambdaAddressPolicy,
  type AddressPolicy,
} from '../../../../lambda/core/probe/address-policy.ts';
import { guardedLookup, type ResolveAll } from '../../../../lambda/core/probe/guarded-lookup.ts';
import { AddressRefusedError } from '../../../../lambda/core/probe/probe-error.ts';

describe('classifyAddress', () => {
  it.each<[string, AddressClass]>([
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['169.254.170.23', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'metadata'],
    ['fd00:ec2::23', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['[::ffff:a9fe:a9fe]', 'metadata'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['169.254.0.1', 'link_local'],
    ['169.254.255.255', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fe80::1%eth0', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['::ffff:169.254.1.1', 'link_local'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['0.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['::', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:0.0.0.0', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['10.0.0.7', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['::ffff:10.1.2.3', 'private'],
    ['8.8.8.8', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['128.0.0.1', 'public'],
    ['1.0.0.1', 'public'],
    ['2606:4700::1111', 'public'],
    ['fe00::1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['::8.8.8.8', 'public'],
  ])('classifies %s as %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(['localhost', 'example.com', '', '999.1.1.1', '1.2.3', 'fe80::zz', '[::1'])(
    'says %j is not an IP address',
    (text) => {
      expect(classifyAddress(text)).toBeUndefined();
    },
  );
});

const LAMBDA = lambdaAddressPolicy('127.0.0.1:9001');

describe('addressRefusal', () => {
  it.each<{ address: string; policy: AddressPolicy; allowPrivate: boolean; refusal: string | undefined }>([
    {
      address: '169.254.169.254',
      policy: CLI_ADDRESS_POLICY,
      allowPrivate: true,
      refusal: '169.254.169.254 is a cloud metadata address; never probed',
    },
    {
      address: 'fd00:ec2::254',
      policy: LAMBDA,
      allowPrivate: true,
      refusal: 'fd00:ec2::254 is a cloud metadata address; never probed',
    },
    { address: '127.0.0.1', policy: CLI_ADDRESS_POLICY, allowPrivate: false, refusal: undefined },
    { address: '10.0.0.7', policy: CLI_ADDRESS_POLICY, allowPrivate: false, refusal: undefined },
    {
      address: '169.254.10.10',
      policy: CLI_ADDRESS_POLICY,
      allowPrivate: false,
      refusal: '169.254.10.10 is a link-local address; refused by the CLI policy unless the target sets allowPrivate',
    },
    { address: '169.254.10.10', policy: CLI_ADDRESS_POLICY, allowPrivate: true, refusal: undefined },
    {
      address: '127.0.0.1',
      policy: LAMBDA,
      allowPrivate: false,
      refusal:
        '127.0.0.1 is a loopback address (this host); refused by the Lambda policy unless the target sets allowPrivate',
    },
    {
      address: '10.0.0.7',
      policy: LAMBDA,
      allowPrivate: false,
      refusal:
        '10.0.0.7 is a private-network address; refused by the Lambda policy unless the target sets allowPrivate',
    },
    {
      address: 'fe80::1',
      policy: LAMBDA,
      allowPrivate: false,
      refusal: 'fe80::1 is a link-local address; refused by the Lambda policy unless the target sets allowPrivate',
    },
    { address: '10.0.0.7', policy: LAMBDA, allowPrivate: true, refusal: undefined },
    { address: '127.0.0.1', policy: LAMBDA, allowPrivate: true, refusal: undefined },
    { address: '8.8.8.8', policy: LAMBDA, allowPrivate: false, refusal: undefined },
  ])('says $address under the $policy.name policy (allowPrivate $allowPrivate): $refusal', (row) => {
    const candidate = { host: row.address, address: row.address, port: 80, allowPrivate: row.allowPrivate };
    expect(addressRefusal(candidate, row.policy)).toBe(row.refusal);
  });

  it('names the DNS name and the address it resolved to', () => {
    const candidate = { host: 'metadata.rollgate.test', address: '169.254.169.254', port: 80, allowPrivate: false };
    expect(addressRefusal(candidate, CLI_ADDRESS_POLICY)).toBe(
      'metadata.rollgate.test resolves to 169.254.169.254, which is a cloud metadata address; never probed',
    );
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.2', '127.0.0.2'],
    ['::1', '::1'],
    ['::ffff:127.0.0.1', '::ffff:127.0.0.1 (127.0.0.1)'],
    ['0.0.0.0', '0.0.0.0'],
  ])('never probes the Lambda runtime API port on %s, even with allowPrivate', (address, shown) => {
    const refusal = addressRefusal({ host: address, address, port: 9001, allowPrivate: true }, LAMBDA);
    expect(refusal).toBe(`${shown} is this host, and port 9001 is the Lambda runtime API; never probed`);
  });

  it('names the IPv4 address an IPv4-mapped address stands for', () => {
    const address = '::ffff:a9fe:a9fe';
    expect(addressRefusal({ host: `[${address}]`, address, port: 80, allowPrivate: false }, LAMBDA)).toBe(
      '::ffff:a9fe:a9fe (169.254.169.254) is a cloud metadata address; never probed',
    );
  });

  it('lets an allowPrivate target reach another loopback port in a Lambda', () => {
    expect(addressRefusal({ host: '127.0.0.1', address: '127.0.0.1', port: 8080, allowPrivate: true }, LAMBDA)).toBe(
      undefined,
    );
  });
});

describe('lambdaAddressPolicy', () => {
  it.each([
    { runtimeApi: '127.0.0.1:9001', port: 9001 },
    { runtimeApi: 'localhost:9002', port: 9002 },
    { runtimeApi: undefined, port: undefined },
    { runtimeApi: 'no port', port: undefined },
    { runtimeApi: '127.0.0.1:99999', port: undefined },
  ])('reserves port $port for runtime API $runtimeApi', ({ runtimeApi, port }) => {
    const policy = lambdaAddressPolicy(runtimeApi);
    expect(policy.reservedLoopbackPort).toBe(port);
    expect(policy.refused).toEqual(['loopback', 'private', 'link_local']);
  });
});

describe('guardedLookup', () => {
  const resolverOf =
    (addresses: LookupAddress[]): ResolveAll =>
    (_hostname, _options, callback) =>
      callback(null, addresses);
  const refuseLinkLocal = (host: string, address: string): string | undefined =>
    addressRefusal({ host, address, port: 80, allowPrivate: false }, CLI_ADDRESS_POLICY);

  function lookUp(
    addresses: LookupAddress[],
    all: boolean,
  ): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
    return new Promise((resolve) => {
      guardedLookup(refuseLinkLocal, resolverOf(addresses))('svc.rollgate.test', { all }, (error, address, family) =>
        resolve({ error, address, ...(family !== undefined ? { family } : {}) }),
      );
    });
  }

  it('refuses a name when any of its addresses is refused, naming that address', async () => {
    const { error } = await lookUp(
      [
        { address: '8.8.8.8', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
      true,
    );
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect(error?.message).toBe(
      'svc.rollgate.test resolves to 169.254.169.254, which is a cloud metadata address; never probed',
    );
  });

  it('answers with every address when net asks for all of them', async () => {
    const addresses = [
      { address: '10.0.0.7', family: 4 },
      { address: 'fd12::7', family: 6 },
    ];
    expect(await lookUp(addresses, true)).toEqual({ error: null, address: addresses });
  });

  it('answers with the first address when net asks for one', async () => {
    const addresses = [
      { address: '10.0.0.7', family: 4 },
      { address: 'fd12::7', family: 6 },
    ];
    expect(await lookUp(addresses, false)).toEqual({ error: null, address: '10.0.0.7', family: 4 });
  });

  it('passes a DNS failure through unchanged', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere'), { code: 'ENOTFOUND' });
    const error = await new Promise((resolve) =>
      guardedLookup(refuseLinkLocal, (_h, _o, callback) => callback(failure, []))('nowhere', {}, resolve),
    );
    expect(error).toBe(failure);
  });
});
