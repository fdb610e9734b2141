/**
 * A User-Agent header read as the Vault's sessions show it: browser, operating system and
 * device (family, version, brand, model) and whether the client is a phone, a tablet, a
 * desktop computer or a bot. Parsing is ua-parser-js 1.x (MIT; its 2.x is AGPL-licensed and not
 * used). Unknown parts are "Other", as the ua-parser family of projects names them.
 *
 * Bots: ua-parser-js does not detect them, so a client is a bot when its User-Agent contains
 * one of BOT_MARKERS (case-insensitive): crawlers name themselves (`Googlebot`, `bingbot`,
 * `…spider`, `…crawler`), and scripted HTTP clients and headless browsers go by their
 * library's name (`curl/`, `python-requests`, `HeadlessChrome`, …). It is a heuristic: a client
 * can claim any User-Agent it likes.
 */
import UAParser from 'ua-parser-js';

export interface ParsedUserAgent {
  browser: { family: string; version: string | null };
  os: { family: string; version: string | null };
  device: { family: string; brand: string | null; model: string | null };
  isMobile: boolean;
  isTablet: boolean;
  /** A desktop or laptop computer: a desktop operating system, no mobile device type, not a bot. */
  isPc: boolean;
  isBot: boolean;
}

/** Substrings that mark a User-Agent as a bot's (compared in lower case). */
export const BOT_MARKERS: readonly string[] = [
  'bot', 'crawl', 'spider', 'slurp', 'scrapy', 'headless', 'phantomjs', 'facebookexternalhit',
  'curl/', 'wget/', 'httpie/', 'python-requests', 'python-urllib', 'aiohttp', 'go-http-client', 'okhttp',
  'java/', 'apache-httpclient', 'libwww-perl', 'node-fetch', 'axios/',
];

/** Operating systems ua-parser-js names for desktop and laptop computers. */
const DESKTOP_OS = /^(windows|mac os|macos|linux|ubuntu|debian|fedora|red hat|centos|suse|opensuse|mint|arch|gentoo|mandriva|slackware|manjaro|chromium os|chrome os|freebsd|openbsd|netbsd|dragonfly|solaris|unix)\b/i;

/** Headers past this are parsed and stored cut to it (ua-parser-js reads 500 characters). */
export const USER_AGENT_MAX = 512;

export function isBotUserAgent(userAgent: string): boolean {
  const lower = userAgent.toLowerCase();
  return BOT_MARKERS.some((marker) => lower.includes(marker));
}

/** Parsed headers kept (a relying party's back end and a user's browser send the same one again and again). */
const CACHE_SIZE = 1000;
const cache = new Map<string, Readonly<ParsedUserAgent>>();

/** The parsed header (shared: not to be changed). */
export function parseUserAgent(header: string | null | undefined): Readonly<ParsedUserAgent> {
  const userAgent = (header ?? '').slice(0, USER_AGENT_MAX);
  let parsed = cache.get(userAgent);
  if (!parsed) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    parsed = Object.freeze(parse(userAgent));
    cache.set(userAgent, parsed);
  }
  return parsed;
}

function parse(userAgent: string): ParsedUserAgent {
  const { browser, os, device } = new UAParser(userAgent).getResult();
  const isBot = userAgent !== '' && isBotUserAgent(userAgent);
  const isMobile = !isBot && device.type === 'mobile';
  const isTablet = !isBot && device.type === 'tablet';
  const isPc = !isBot && device.type === undefined && DESKTOP_OS.test(os.name ?? '');
  return {
    browser: { family: browser.name ?? 'Other', version: browser.version ?? null },
    os: { family: os.name ?? 'Other', version: os.version ?? null },
    device: { family: device.model ?? (isBot ? 'Spider' : 'Other'), brand: device.vendor ?? null, model: device.model ?? null },
    isMobile,
    isTablet,
    isPc,
    isBot,
  };
}
