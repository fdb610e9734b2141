/**
 * What one request tells of its client — when, from which address and country, with which
 * User-Agent — as a session records it at sign-in, at token issue and at its last use.
 */
import type { CountryLookup } from './country.js';
import { normalizeIp } from './country.js';
import { type ParsedUserAgent, USER_AGENT_MAX, parseUserAgent } from './user-agent.js';

export interface ClientAccess {
  /** Epoch milliseconds. */
  at: number;
  ip: string | null;
  /** ISO 3166-1 alpha-2; null for private addresses and ones the database does not know. */
  country: string | null;
  userAgent: string | null;
  userAgentParsed: ParsedUserAgent;
}

export class ClientDescriber {
  constructor(private readonly countries: CountryLookup) {}

  describe(at: number, address: string | null | undefined, userAgentHeader: string | null | undefined): ClientAccess {
    const ip = address ? normalizeIp(address).slice(0, 64) : null;
    const userAgent = userAgentHeader ? userAgentHeader.slice(0, USER_AGENT_MAX) : null;
    return { at, ip, country: this.countries.countryOf(ip), userAgent, userAgentParsed: parseUserAgent(userAgent) };
  }
}
