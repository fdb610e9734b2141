/**
 * Email templates: built-in ones for each message the tenant sends, and a small renderer for
 * `${path.to.value}` placeholders (FusionAuth's template syntax, the subset needed here).
 * Values are HTML-escaped in HTML bodies; a missing value renders as nothing.
 */

export type MessageKind = 'verification' | 'forgotPassword' | 'setPassword' | 'accountLocked';

export interface EmailTemplate {
  subject: string;
  text: string;
  html: string;
  fromEmail?: string | null;
  fromName?: string | null;
}

export const BUILT_IN_TEMPLATES: Record<MessageKind, EmailTemplate> = {
  verification: {
    subject: 'Verify your email address for ${tenant.name}',
    text: 'Hello ${user.name},\n\nPlease verify your email address by opening this link:\n\n${link}\n\nOr enter this code: ${code}\n\nThe link expires in ${expiresInMinutes} minutes.\n',
    html: '<p>Hello ${user.name},</p><p>Please verify your email address: <a href="${link}">verify my email</a>.</p><p>Or enter this code: <b>${code}</b></p><p>The link expires in ${expiresInMinutes} minutes.</p>',
  },
  forgotPassword: {
    subject: 'Reset your ${tenant.name} password',
    text: 'Hello ${user.name},\n\nSomeone asked to reset your password. If it was you, open this link to choose a new one:\n\n${link}\n\nThe link works once and expires in ${expiresInMinutes} minutes. If it was not you, ignore this email.\n',
    html: '<p>Hello ${user.name},</p><p>Someone asked to reset your password. If it was you, <a href="${link}">choose a new one</a>.</p><p>The link works once and expires in ${expiresInMinutes} minutes. If it was not you, ignore this email.</p>',
  },
  setPassword: {
    subject: 'Set your ${tenant.name} password',
    text: 'Hello ${user.name},\n\nAn account was created for you. Open this link to set your password:\n\n${link}\n\nThe link works once and expires in ${expiresInMinutes} minutes.\n',
    html: '<p>Hello ${user.name},</p><p>An account was created for you. <a href="${link}">Set your password</a>.</p><p>The link works once and expires in ${expiresInMinutes} minutes.</p>',
  },
  accountLocked: {
    subject: 'Your ${tenant.name} account was locked',
    text: 'Hello ${user.name},\n\nYour account was locked after too many failed sign-in attempts. It unlocks at ${unlocksAt}.\nIf these attempts were not yours, consider changing your password.\n',
    html: '<p>Hello ${user.name},</p><p>Your account was locked after too many failed sign-in attempts. It unlocks at ${unlocksAt}.</p><p>If these attempts were not yours, consider changing your password.</p>',
  },
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function lookup(values: Record<string, unknown>, path: string): unknown {
  let current: unknown = values;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function render(template: string, values: Record<string, unknown>, html: boolean): string {
  return template.replace(/\$\{\s*([A-Za-z_][\w.]*)\s*\}/g, (_match, path: string) => {
    const value = lookup(values, path);
    const text = value === undefined || value === null ? '' : String(value);
    return html ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
  });
}
