/**
 * The country of a client address, from an IP-to-country database in the MaxMind DB (MMDB)
 * format held in memory: by default the one the `@ip-location-db/geo-whois-asn-country-mmdb`
 * package ships (RIR whois and ASN data, attribution NRO, CC BY 4.0), or an operator's own file
 * (GEOIP_DB: MaxMind GeoLite2/GeoIP2 Country or City, DB-IP, … — anything with a
 * `country_code` or `country.iso_code` per network). A look-up is a walk of the in-memory
 * tree (microseconds): nothing waits on I/O.
 *
 * Loopback, private, link-local, shared, documentation and multicast addresses have no
 * country, whatever a database says about them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { Reader, type Response } from 'mmdb-lib';

/** The database bundled with the package (IPv4 and IPv6 in one file). */
export const BUNDLED_GEOIP_DB: string = createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');

/** Every MMDB file ends with its metadata section, which starts with this marker. */
const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);
/** The metadata section sits in the last 128 KiB of the file (the format's own limit). */
const METADATA_MAX = 128 * 1024;

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b:1::', 48]] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** `::ffff:192.0.2.1` (an IPv4 client on a dual-stack socket) is the IPv4 address it carries. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}

/** Does the address belong to the public internet (so that a country can be told)? */
export function isPublicIp(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why this file cannot be used as a GeoIP database, or undefined when it can. Reads only its end. */
export function mmdbProblem(file: string): string | undefined {
  let fd: number | undefined;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return 'is not a file';
    fd = fs.openSync(file, 'r');
    const length = Math.min(stat.size, METADATA_MAX);
    const tail = Buffer.alloc(length);
    fs.readSync(fd, tail, 0, length, stat.size - length);
    return tail.lastIndexOf(METADATA_MARKER) === -1 ? 'is not a MaxMind DB file' : undefined;
  } catch {
    return 'is not a readable file';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

type Entry = { country_code?: unknown; country?: { iso_code?: unknown }; registered_country?: { iso_code?: unknown } };

const COUNTRY_CODE = /^[A-Z]{2}$/;

export class CountryLookup {
  /** Readers by file, shared by every server in the process (the file is read once). */
  private static readonly opened = new Map<string, Reader<Response>>();

  private constructor(private readonly reader: Reader<Response>) {}

  /** Reads the database into memory (once per file and process); throws when it is not an MMDB file. */
  static open(file: string = BUNDLED_GEOIP_DB): CountryLookup {
    const path = fs.realpathSync(file);
    let reader = CountryLookup.opened.get(path);
    if (!reader) {
      reader = new Reader<Response>(fs.readFileSync(path));
      CountryLookup.opened.set(path, reader);
    }
    return new CountryLookup(reader);
  }

  /** The ISO 3166-1 alpha-2 code (upper case) of the address's country; null when unknown or not public. */
  countryOf(address: string | null | undefined): string | null {
    if (!address) return null;
    const ip = normalizeIp(address);
    if (!isPublicIp(ip)) return null;
    let entry: Entry | null;
    try {
      entry = this.reader.get(ip) as Entry | null;
    } catch {
      return null;
    }
    const code = entry?.country_code ?? entry?.country?.iso_code ?? entry?.registered_country?.iso_code;
    if (typeof code !== 'string') return null;
    const upper = code.toUpperCase();
    return COUNTRY_CODE.test(upper) ? upper : null;
  }
}
