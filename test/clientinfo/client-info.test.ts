/**
 * What a request tells of its client: the country of its address (the bundled IP-to-country
 * database, or an operator's MMDB file), and its User-Agent parsed into browser, OS, device
 * and the mobile / tablet / computer / bot flags the Vault's sessions show.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BUNDLED_GEOIP_DB, CountryLookup, isPublicIp, mmdbProblem, normalizeIp } from '../../src/clientinfo/country.js';
import { parseUserAgent } from '../../src/clientinfo/user-agent.js';
import { ClientDescriber } from '../../src/clientinfo/access.js';

describe('country of an address', () => {
  const countries = CountryLookup.open();

  test('public IPv4 and IPv6 addresses get their ISO code from the bundled database', () => {
    assert.equal(countries.countryOf('8.8.8.8'), 'US');
    assert.equal(countries.countryOf('81.2.69.142'), 'GB');
    assert.equal(countries.countryOf('193.0.6.139'), 'NL');
    assert.equal(countries.countryOf('2001:4860:4860::8888'), 'US');
    assert.equal(countries.countryOf('::ffff:81.2.69.142'), 'GB', 'an IPv4 client on a dual-stack socket');
  });

  test('loopback, private, link-local, documentation and malformed addresses have no country', () => {
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '100.64.0.1', '169.254.1.1', '192.0.2.1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', 'not-an-ip', '', '999.1.1.1']) {
      assert.equal(countries.countryOf(ip), null, ip);
    }
    assert.equal(countries.countryOf(null), null);
    assert.equal(isPublicIp('1.1.1.1'), true);
    assert.equal(normalizeIp('::FFFF:1.2.3.4'), '1.2.3.4');
    assert.equal(normalizeIp('2001:db8::1'), '2001:db8::1');
  });

  test('an operator’s file must be an MMDB file; the bundled one is', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-geoip-'));
    try {
      const text = path.join(dir, 'countries.csv');
      fs.writeFileSync(text, '1.0.0.0,1.0.0.255,AU\n');
      assert.equal(mmdbProblem(BUNDLED_GEOIP_DB), undefined);
      assert.equal(mmdbProblem(text), 'is not a MaxMind DB file');
      assert.equal(mmdbProblem(path.join(dir, 'missing.mmdb')), 'is not a readable file');
      assert.equal(mmdbProblem(dir), 'is not a file');
      // A copy of the bundled file is read on its own (another path, the same data).
      const copy = path.join(dir, 'copy.mmdb');
      fs.copyFileSync(BUNDLED_GEOIP_DB, copy);
      assert.equal(CountryLookup.open(copy).countryOf('8.8.8.8'), 'US');
      assert.throws(() => CountryLookup.open(text));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('user agents', () => {
  const cases: Array<[string, string, Partial<ReturnType<typeof parseUserAgent>> & { browser?: object; os?: object; device?: object }]> = [
    ['iPhone Safari', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      { browser: { family: 'Mobile Safari', version: '17.4' }, os: { family: 'iOS', version: '17.4' }, device: { family: 'iPhone', brand: 'Apple', model: 'iPhone' }, isMobile: true, isTablet: false, isPc: false, isBot: false }],
    ['iPad', 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      { device: { family: 'iPad', brand: 'Apple', model: 'iPad' }, isMobile: false, isTablet: true, isPc: false, isBot: false }],
    ['Android phone', 'Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
      { os: { family: 'Android', version: '14' }, device: { family: 'SM-S911B', brand: 'Samsung', model: 'SM-S911B' }, isMobile: true, isPc: false }],
    ['Windows Chrome', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      { browser: { family: 'Chrome', version: '124.0.0.0' }, os: { family: 'Windows', version: '10' }, device: { family: 'Other', brand: null, model: null }, isMobile: false, isTablet: false, isPc: true, isBot: false }],
    ['Linux Firefox', 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
      { browser: { family: 'Firefox', version: '125.0' }, isPc: true, isBot: false }],
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', { isBot: true, isPc: false, isMobile: false, device: { family: 'Spider', brand: null, model: null } }],
    ['curl', 'curl/8.5.0', { isBot: true, browser: { family: 'Other', version: null } }],
    ['python-requests', 'python-requests/2.31.0', { isBot: true }],
    ['headless Chromium', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36', { isBot: true, isPc: false }],
    ['nothing', '', { browser: { family: 'Other', version: null }, os: { family: 'Other', version: null }, device: { family: 'Other', brand: null, model: null }, isMobile: false, isTablet: false, isPc: false, isBot: false }],
  ];
  for (const [name, header, expected] of cases) {
    test(name, () => {
      const parsed = parseUserAgent(header);
      for (const [field, value] of Object.entries(expected)) assert.deepEqual(parsed[field as keyof typeof parsed], value, `${name}: ${field}`);
    });
  }

  test('a client described: the address normalized, the header cut to 512 characters and parsed', () => {
    const describe = new ClientDescriber(CountryLookup.open());
    const long = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${'x'.repeat(2000)}`;
    const access = describe.describe(1_700_000_000_000, '::ffff:8.8.8.8', long);
    assert.equal(access.ip, '8.8.8.8');
    assert.equal(access.country, 'US');
    assert.equal(access.userAgent!.length, 512);
    assert.equal(access.userAgentParsed.os.family, 'Windows');
    assert.deepEqual(describe.describe(1, null, null), { at: 1, ip: null, country: null, userAgent: null, userAgentParsed: parseUserAgent('') });
  });
});
