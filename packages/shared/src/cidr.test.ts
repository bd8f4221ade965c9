import { describe, expect, it } from '@jest/globals';
import { cidrContains, cidrContainsIp, cidrsOverlap, parseCidr, parseIp } from './cidr.js';

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`${text} did not parse`);
  return parsed;
};

describe('addresses and ranges', () => {
  it('reads IPv4 and IPv6 addresses, and refuses what is not one', () => {
    expect(parseIp('10.1.2.3')).toEqual({ family: 4, value: 0x0a010203n });
    expect(parseIp('fd00::1')).toEqual({ family: 6, value: (0xfd00n << 112n) + 1n });
    expect(parseIp('::ffff:10.0.0.1')?.value).toBe((0xffffn << 32n) + 0x0a000001n);
    for (const bad of ['10.1.2', '10.1.2.256', '1::2::3', 'fd00:::1', 'x.y.z.w', '']) {
      expect(parseIp(bad)).toBeNull();
    }
  });

  it('reads a range as its first and last address, whatever host bits it was written with', () => {
    expect(cidr('10.1.2.77/24')).toEqual({
      family: 4,
      first: 0x0a010200n,
      last: 0x0a0102ffn,
      prefix: 24,
    });
    expect(parseCidr('10.1.2.0/33')).toBeNull();
    expect(parseCidr('10.1.2.0')).toBeNull();
    expect(cidr('fd00::/64').last).toBe((0xfd00n << 112n) + (1n << 64n) - 1n);
  });

  it('tells an address inside a range, a range inside another, and overlapping ranges', () => {
    expect(cidrContainsIp(cidr('172.30.0.0/24'), '172.30.0.1')).toBe(true);
    expect(cidrContainsIp(cidr('172.30.0.0/24'), '172.30.1.1')).toBe(false);
    expect(cidrContainsIp(cidr('172.30.0.0/24'), 'fd00::1')).toBe(false);
    expect(cidrContains(cidr('172.30.0.0/24'), cidr('172.30.0.128/25'))).toBe(true);
    expect(cidrContains(cidr('172.30.0.0/24'), cidr('172.30.0.0/23'))).toBe(false);
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.0.200.0/24'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/24'), cidr('10.0.1.0/24'))).toBe(false);
    expect(cidrsOverlap(cidr('10.0.0.0/8'), cidr('fd00::/8'))).toBe(false);
  });
});
