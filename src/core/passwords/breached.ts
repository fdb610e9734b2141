/**
 * The bundled list of common and breached passwords (about 49,000, from zxcvbn-ts's common
 * dictionary), loaded once on first use. Matching is case-insensitive: "Password" is as
 * guessable as "password".
 */
import { dictionary } from '@zxcvbn-ts/language-common';

let known: Set<string> | undefined;

function list(): Set<string> {
  known ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return known;
}

export function isCommonPassword(password: string): boolean {
  return list().has(password.toLowerCase());
}
