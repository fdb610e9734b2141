/** English messages of the account pages (the reference catalogue: every locale has these keys). */
export const en = {
  lang: 'en',
  brand: 'Tessera',
  changePassword: {
    title: 'Choose a new password',
    intro: 'Enter a new password for your account.',
    password: 'New password',
    confirm: 'Repeat the new password',
    submit: 'Change password',
    requirements: 'The password must meet these rules:',
    mismatch: 'The two passwords do not match.',
    missing: 'Enter the new password twice.',
    doneTitle: 'Password changed',
    done: 'Your password has been changed. You can now sign in with it.',
  },
  verifyEmail: {
    title: 'Verify your email address',
    intro: 'Confirm that this email address belongs to you.',
    submit: 'Verify email address',
    doneTitle: 'Email address verified',
    done: 'Thank you: your email address is verified.',
  },
  rules: {
    minLength: (n: number) => `At least ${n} characters.`,
    maxLength: (n: number) => `At most ${n} characters.`,
    upperCase: (n: number) => `At least ${n} upper-case letter${n === 1 ? '' : 's'}.`,
    lowerCase: (n: number) => `At least ${n} lower-case letter${n === 1 ? '' : 's'}.`,
    number: (n: number) => `At least ${n} digit${n === 1 ? '' : 's'}.`,
    nonAlpha: () => 'At least one character that is not a letter or a digit.',
    customChars: (chars: string) => `At least one of these characters: ${chars}`,
    breached: () => 'Not a common or breached password.',
    previous: (n: number) => `Different from your last ${n === 1 ? 'password' : `${n} passwords`}.`,
  },
  broken: {
    minLength: (n: number) => `The password is too short: it needs at least ${n} characters.`,
    maxLength: (n: number) => `The password is too long: it may have at most ${n} characters.`,
    upperCase: (n: number) => `The password needs at least ${n} upper-case letter${n === 1 ? '' : 's'}.`,
    lowerCase: (n: number) => `The password needs at least ${n} lower-case letter${n === 1 ? '' : 's'}.`,
    number: (n: number) => `The password needs at least ${n} digit${n === 1 ? '' : 's'}.`,
    nonAlpha: () => 'The password needs at least one character that is not a letter or a digit.',
    customChars: (chars: string) => `The password needs at least one of these characters: ${chars}`,
    breached: () => 'This password is too common or has appeared in a data breach. Choose another.',
    previous: (n: number) => `The password must differ from your last ${n === 1 ? 'password' : `${n} passwords`}.`,
    other: () => 'The password does not meet the rules.',
  },
  errors: {
    linkTitle: 'This link does not work',
    link: 'The link is unknown, has expired or has already been used. Ask for a new one.',
    notFoundTitle: 'Page not found',
    notFound: 'There is no such page.',
    csrfTitle: 'The form has expired',
    csrf: 'Go back, reload the page and send the form again.',
    badRequestTitle: 'The request could not be read',
    badRequest: 'Go back, reload the page and try again.',
    tooLargeTitle: 'The request is too large',
    unsupportedTitle: 'The request could not be read',
    serverTitle: 'Something went wrong',
    server: 'The request could not be completed. Try again later.',
  },
};

/** A catalogue: the same keys and value kinds as the English one. */
export type Messages = {
  [K in keyof typeof en]: (typeof en)[K] extends string ? string : { [L in keyof (typeof en)[K]]: (typeof en)[K][L] };
};
