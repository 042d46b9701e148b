import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";

/**
 * Where a notification may not be sent unless WEBHOOK_ALLOW_PRIVATE=1: loopback, private, shared,
 * link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254 among them), multicast, reserved and
 * documentation ranges, and IPv6 forms that embed an IPv4 address (checked as that address).
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) BLOCKED.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], ["::1", 128], ["100::", 64], ["2001::", 23], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) BLOCKED.addSubnet(network, prefix, "ipv6");

/** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address, if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** Whether an IP address is one a notification may reach without WEBHOOK_ALLOW_PRIVATE. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !BLOCKED.check(address, "ipv4");
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4 !== undefined) return isPublicAddress(v4);
  return !BLOCKED.check(address, "ipv6");
}

export class BlockedAddressError extends Error {
  override readonly name = "BlockedAddressError";
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses non-public answers. The socket connects to the address checked
 * here, so a name that resolves differently on a second look-up (DNS rebinding) cannot slip through.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(new BlockedAddressError(`${hostname} resolves to ${refused.address}, a private or reserved address`), []);
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), []);
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** Resolves a URL's host now (at save) and says why it may not be used, or null when it may. */
export async function refusedDestination(url: URL, allowPrivate: boolean, timeoutMs = 3_000): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return allowPrivate || isPublicAddress(host) ? null : `${host} is a private or reserved address (set WEBHOOK_ALLOW_PRIVATE=1 to allow it)`;
  const addresses = await new Promise<LookupAddress[] | Error>((resolve) => {
    const timer = setTimeout(() => resolve(new Error("timed out")), timeoutMs);
    dnsLookup(host, { all: true }, (err, list) => {
      clearTimeout(timer);
      resolve(err ?? list);
    });
  });
  if (addresses instanceof Error) return `${host} does not resolve (${(addresses as NodeJS.ErrnoException).code ?? addresses.message})`;
  if (allowPrivate) return null;
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  return refused ? `${host} resolves to ${refused.address}, a private or reserved address (set WEBHOOK_ALLOW_PRIVATE=1 to allow it)` : null;
}
