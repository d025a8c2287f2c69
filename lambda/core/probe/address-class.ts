// What kind of place an IP address is: a cloud metadata service, link-local, this host (loopback), a private network,
// or the public internet. Pure; the address guard decides from this class whether a probe may connect.

import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass = 'metadata' | 'link_local' | 'loopback' | 'private' | 'public';

/** Words for an address class in a refusal: `169.254.169.254 is a cloud metadata address`. */
export const ADDRESS_CLASS_WORDS: Readonly<Record<AddressClass, string>> = {
  metadata: 'a cloud metadata address',
  link_local: 'a link-local address',
  loopback: 'a loopback address (this host)',
  private: 'a private-network address',
  public: 'a public address',
};

// Services that hand out credentials to whoever asks from inside the instance or task: EC2 IMDS (IPv4 and IPv6),
// the ECS task credentials endpoint, the EKS Pod Identity agent (IPv4 and IPv6), Alibaba Cloud's metadata service.
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200']);
const METADATA_V6 = new Set(['fd00:ec2:0:0:0:0:0:254', 'fd00:ec2:0:0:0:0:0:23']);

/** An IPv4 network as its first address and prefix length. */
type V4Block = readonly [first: number, prefix: number];

const V4_BLOCKS: ReadonlyArray<[V4Block, AddressClass]> = [
  // 0.0.0.0/8 means "this host": a connect to 0.0.0.0 reaches local listeners, like 127.0.0.1.
  [[v4(0, 0, 0, 0), 8], 'loopback'],
  [[v4(127, 0, 0, 0), 8], 'loopback'],
  [[v4(169, 254, 0, 0), 16], 'link_local'],
  [[v4(10, 0, 0, 0), 8], 'private'],
  [[v4(172, 16, 0, 0), 12], 'private'],
  [[v4(192, 168, 0, 0), 16], 'private'],
  // Carrier-grade NAT space, which clouds also use for internal services.
  [[v4(100, 64, 0, 0), 10], 'private'],
];

/** The class of an IP address (v4, v6, IPv4-mapped v6), or undefined when `address` is not an IP literal. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return classifyV4(parseV4(bare));
  // A zone index (`fe80::1%eth0`) names an interface, not part of the address.
  const withoutZone = bare.split('%')[0]!;
  if (isIPv6(bare)) return classifyV6(parseV6(withoutZone));
  return undefined;
}

/** The IPv4 address an IPv6 address stands for (`::ffff:a9fe:a9fe` -> `169.254.169.254`), if it embeds one. */
export function ipv4Within(address: string): string | undefined {
  const bare = (address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address).split('%')[0]!;
  if (!isIPv6(bare)) return undefined;
  const embedded = embeddedV4(parseV6(bare));
  return embedded === undefined ? undefined : formatV4(embedded);
}

function classifyV4(value: number): AddressClass {
  if (METADATA_V4.has(formatV4(value))) return 'metadata';
  for (const [[first, prefix], kind] of V4_BLOCKS) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((value & mask) >>> 0 === first) return kind;
  }
  return 'public';
}

function classifyV6(groups: readonly number[]): AddressClass {
  if (METADATA_V6.has(groups.map((group) => group.toString(16)).join(':'))) return 'metadata';
  const embedded = embeddedV4(groups);
  if (embedded !== undefined) return classifyV4(embedded);
  const [first = 0] = groups;
  const zeroBeforeLast = groups.slice(0, 7).every((group) => group === 0);
  // `::1` is loopback; `::` (unspecified) reaches this host like 0.0.0.0.
  if (zeroBeforeLast && (groups[7] === 1 || groups[7] === 0)) return 'loopback';
  if ((first & 0xffc0) === 0xfe80) return 'link_local';
  // Unique local fc00::/7, and the deprecated site-local fec0::/10 that some stacks still route.
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfec0) return 'private';
  return 'public';
}

/**
 * The IPv4 address inside an IPv6 one that reaches it: IPv4-mapped `::ffff:a.b.c.d`, the deprecated IPv4-compatible
 * `::a.b.c.d`, and NAT64's well-known prefix `64:ff9b::a.b.c.d`. Classified as the IPv4 address they stand for.
 */
function embeddedV4(groups: readonly number[]): number | undefined {
  const head = groups.slice(0, 6);
  const tail = ((groups[6]! << 16) | groups[7]!) >>> 0;
  const zeros = (count: number): boolean => head.slice(0, count).every((group) => group === 0);
  if (zeros(5) && head[5] === 0xffff) return tail;
  if (zeros(6) && tail > 1) return tail;
  if (head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((group) => group === 0)) return tail;
  return undefined;
}

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function parseV4(text: string): number {
  const [a = 0, b = 0, c = 0, d = 0] = text.split('.').map(Number);
  return v4(a, b, c, d);
}

function formatV4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/** Eight 16-bit groups of a valid IPv6 address (checked by isIPv6), `::` expanded and a dotted IPv4 tail converted. */
function parseV6(text: string): number[] {
  let source = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(source);
  if (dotted) {
    const value = parseV4(dotted[1]!);
    source = `${source.slice(0, dotted.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [left = '', right] = source.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const head = parse(left);
  if (right === undefined) return head;
  const tail = parse(right);
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
