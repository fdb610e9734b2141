/**
 * A browser without JavaScript, as the hosted pages must serve one: a cookie jar, forms posted
 * as application/x-www-form-urlencoded, redirects followed while they stay on our origin.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(new URL(url, this.origin), { method: init.method ?? 'GET', headers, redirect: 'manual', ...(body ? { body } : {}) });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }

  /** Follows redirects while they stay on our origin; returns the last response and where it pointed. */
  async follow(response: Response): Promise<{ response: Response; location: string | null }> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { response: current, location: null };
      const next = new URL(location, this.origin);
      if (next.origin !== this.origin) return { response: current, location: next.href };
      current = await this.request(next.href);
    }
    throw new Error('too many redirects');
  }
}

export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
export const actionOf = (html: string) => /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';

/** The part of openid-client the sign-in needs (imported by the tests that use it). */
interface OidcClient {
  randomPKCECodeVerifier(): string;
  randomState(): string;
  calculatePKCECodeChallenge(verifier: string): Promise<string>;
  buildAuthorizationUrl(config: never, parameters: Record<string, string>): URL;
}

/**
 * A browser's whole trip through a tenant's hosted sign-in: the authorization request, the
 * login form posted with the given credentials, and back at the client's redirect URI with a
 * code. Returns the callback URL with the PKCE verifier and state that go with it.
 */
export async function signInThroughHostedPage(
  client: OidcClient,
  config: unknown,
  request: { origin: string; redirectUri: string; scope: string; login: string; password: string; extra?: Record<string, string> },
): Promise<{ callback: URL; verifier: string; state: string }> {
  const browser = new Browser(request.origin);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config as never, {
    redirect_uri: request.redirectUri,
    scope: request.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...request.extra,
  });
  const html = await (await browser.follow(await browser.request(url.href))).response.text();
  const back = await browser.follow(await browser.request(actionOf(html), { method: 'POST', form: { _csrf: csrfOf(html), login: request.login, password: request.password } }));
  if (!back.location) throw new Error(`the sign-in did not come back to the client: ${back.response.status}`);
  return { callback: new URL(back.location), verifier, state };
}
