// IPv4 address arithmetic for NetworkPolicy ipBlocks.

function toNumber(address: string): number | undefined {
  const octets = address.split(".").map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

/** Whether the IPv4 CIDR block (or single address) contains the address. IPv6 blocks never do. */
export function cidrContains(cidr: string, address: string): boolean {
  const [base, bits = "32"] = cidr.split("/");
  const start = toNumber(base);
  const ip = toNumber(address);
  if (start === undefined || ip === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  const first = start - (start % size);
  return ip >= first && ip < first + size;
}
