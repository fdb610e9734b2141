/**
 * The server-rendered account pages, in their own Fastify scope: form bodies, cookies, CSRF,
 * templates, security headers and the error pages apply here and nowhere else. Routes sit under
 * `/{slug}/…` (a tenant's issuer path), outside `/api` and the Vault's `/tenants/…`; the
 * stylesheet is `/assets/pages.css`.
 */
import type { FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { AccountFlows } from '../core/account/account-flows.js';
import type { TenantService } from '../core/tenants/tenant-service.js';
import { registerChangePasswordPage } from './change-password.js';
import { registerInteractionPages } from './interaction.js';
import type { LoginService } from '../core/login/login-service.js';
import type { ProviderPool } from '../oidc/tenant-pool.js';
import { registerCsrf } from './csrf.js';
import { setPageErrorHandler } from './errors.js';
import { STYLESHEET } from './files.js';
import { addSecurityHeaders } from './security.js';
import { registerVerifyEmailPage } from './verify-email.js';
import { STYLESHEET_PATH } from './view.js';
import type { ClientService } from '../core/clients/client-service.js';
import type { UserService } from '../core/users/user-service.js';
import type { Registration } from '../core/account/registration.js';
import type { MailThrottle } from '../core/account/mail-throttle.js';

export interface PagesDeps {
  tenants: TenantService;
  account: AccountFlows;
  /** PUBLIC_URL: cookies are Secure when it is https. */
  publicUrl: string;
  login: LoginService;
  oidc: ProviderPool;
  clients: ClientService;
  users: UserService;
  registration: Registration;
  /** Sign-up and forgot-password requests per client IP. */
  mailThrottle: MailThrottle;
}

export async function registerPages(app: FastifyInstance, deps: PagesDeps): Promise<void> {
  await app.register(async (pages) => {
    // Pages are for people, not API clients: they stay out of the OpenAPI document.
    pages.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    // Pages read HTML forms only: JSON (the API's parser) or anything else is 415 here.
    pages.removeAllContentTypeParsers();
    await pages.register(formbody);
    await registerCsrf(pages, { secure: new URL(deps.publicUrl).protocol === 'https:' });
    addSecurityHeaders(pages);
    setPageErrorHandler(pages);

    pages.get(STYLESHEET_PATH, async (_request, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(STYLESHEET));
    registerChangePasswordPage(pages, deps);
    registerVerifyEmailPage(pages, deps);
    registerInteractionPages(pages, deps);
  });
}
