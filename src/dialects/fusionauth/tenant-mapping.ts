/**
 * FusionAuth tenant ⇄ core tenant. `faView` shows the core settings in FusionAuth's names and
 * units; `applyFaTenant` writes a complete FusionAuth tenant onto core settings.
 *
 * Some FusionAuth fields stand for more than one core field (requireMixedCase → upper- and
 * lower-case counts; timeToLiveInSeconds → access and id token lifetimes; actionDuration ×
 * unit → first and longest block). Those are written only when their FusionAuth value differs
 * from what `faView(base)` shows, so settings made through another API survive a FusionAuth
 * round trip that did not touch them.
 */
import { type FieldProblem, problem } from '../../core/errors.js';
import type { DurationUnit, EventType, Tenant, TenantSettings } from '../../core/tenants/settings.js';
import type { FaTenant } from './tenant-schema.js';

const UNIT_SECONDS: Record<DurationUnit, number> = {
  MINUTES: 60,
  HOURS: 3600,
  DAYS: 86400,
  WEEKS: 604800,
  MONTHS: 2592000, // 30 days
  YEARS: 31536000, // 365 days
};

/** Seconds → FusionAuth duration, in the preferred unit when it divides evenly. */
function toFaDuration(seconds: number, preferred: DurationUnit): { actionDuration: number; actionDurationUnit: DurationUnit } {
  if (seconds % UNIT_SECONDS[preferred] === 0) return { actionDuration: seconds / UNIT_SECONDS[preferred], actionDurationUnit: preferred };
  return { actionDuration: Math.max(1, Math.ceil(seconds / 60)), actionDurationUnit: 'MINUTES' };
}

/** A complete FusionAuth tenant body (all defaults applied), without the read-only fields. */
export type FaTenantSettings = Required<Omit<FaTenant, 'id' | 'insertInstant' | 'lastUpdateInstant' | 'state' | 'name'>>;

const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
/** Drops undefined members so the JSON shows exactly the fields that have values. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function faView(s: TenantSettings): FaTenantSettings {
  const ids = s.oneTimeIds;
  const pw = s.passwordPolicy;
  return {
    connectorPolicies: s.connectorPolicies.map((p) => ({ ...p, domains: [...p.domains] })),
    data: structuredClone(s.data),
    emailConfiguration: compact({
      defaultFromEmail: s.email.defaultFromEmail,
      defaultFromName: opt(s.email.defaultFromName),
      forgotPasswordEmailTemplateId: opt(s.email.templates.forgotPassword),
      host: s.email.host,
      password: opt(s.email.password),
      passwordlessEmailTemplateId: opt(s.email.templates.passwordless),
      port: s.email.port,
      properties: opt(s.email.properties),
      security: s.email.security,
      setPasswordEmailTemplateId: opt(s.email.templates.setPassword),
      username: opt(s.email.username),
      verificationEmailTemplateId: opt(s.email.templates.verification),
      verifyEmail: s.email.verifyEmail,
      verifyEmailWhenChanged: s.email.verifyEmailWhenChanged,
    }),
    eventConfiguration: { events: structuredClone(s.events) },
    externalIdentifierConfiguration: {
      authorizationGrantIdTimeToLiveInSeconds: s.tokens.authorizationCodeTtlSeconds,
      changePasswordIdGenerator: { ...ids.changePassword.generator },
      changePasswordIdTimeToLiveInSeconds: ids.changePassword.ttlSeconds,
      deviceCodeTimeToLiveInSeconds: s.tokens.deviceCodeTtlSeconds,
      deviceUserCodeIdGenerator: { ...ids.deviceUserCodeGenerator },
      emailVerificationIdGenerator: { ...ids.emailVerification.generator },
      emailVerificationIdTimeToLiveInSeconds: ids.emailVerification.ttlSeconds,
      externalAuthenticationIdTimeToLiveInSeconds: ids.externalAuthenticationTtlSeconds,
      oneTimePasswordTimeToLiveInSeconds: ids.oneTimePasswordTtlSeconds,
      passwordlessLoginGenerator: { ...ids.passwordlessLogin.generator },
      passwordlessLoginTimeToLiveInSeconds: ids.passwordlessLogin.ttlSeconds,
      registrationVerificationIdGenerator: { ...ids.registrationVerification.generator },
      registrationVerificationIdTimeToLiveInSeconds: ids.registrationVerification.ttlSeconds,
      samlv2AuthNRequestIdTimeToLiveInSeconds: ids.samlv2AuthNRequestTtlSeconds,
      setupPasswordIdGenerator: { ...ids.setupPassword.generator },
      setupPasswordIdTimeToLiveInSeconds: ids.setupPassword.ttlSeconds,
      twoFactorIdTimeToLiveInSeconds: ids.twoFactorTtlSeconds,
      twoFactorTrustIdTimeToLiveInSeconds: ids.twoFactorTrustTtlSeconds,
    },
    failedAuthenticationConfiguration: compact({
      ...toFaDuration(s.userLockout.initialBlockSeconds, s.userLockout.displayUnit),
      resetCountInSeconds: s.userLockout.windowSeconds,
      tooManyAttempts: s.userLockout.maxAttempts,
      userActionId: opt(s.userLockout.userActionId),
    }),
    familyConfiguration: compact({
      allowChildRegistrations: s.family.allowChildRegistrations,
      confirmChildEmailTemplateId: opt(s.family.confirmChildEmailTemplateId),
      deleteOrphanedAccounts: s.family.deleteOrphanedAccounts,
      deleteOrphanedAccountsDays: s.family.deleteOrphanedAccountsDays,
      enabled: s.family.enabled,
      familyRequestEmailTemplateId: opt(s.family.familyRequestEmailTemplateId),
      maximumChildAge: s.family.maximumChildAge,
      minimumOwnerAge: s.family.minimumOwnerAge,
      parentEmailRequired: s.family.parentEmailRequired,
      parentRegistrationEmailTemplateId: opt(s.family.parentRegistrationEmailTemplateId),
    }),
    formConfiguration: compact({ adminUserFormId: opt(s.forms.adminUserFormId) }),
    httpSessionMaxInactiveInterval: s.tokens.sessionTtlSeconds,
    issuer: s.issuer,
    jwtConfiguration: {
      enabled: s.tokens.jwtEnabled,
      accessTokenKeyId: s.tokens.accessTokenKeyId,
      idTokenKeyId: s.tokens.idTokenKeyId,
      refreshTokenExpirationPolicy: s.tokens.refreshTokenExpiration,
      refreshTokenRevocationPolicy: {
        onLoginPrevented: s.tokens.revokeRefreshTokensOnLoginPrevented,
        onPasswordChanged: s.tokens.revokeRefreshTokensOnPasswordChanged,
      },
      refreshTokenTimeToLiveInMinutes: Math.max(1, Math.ceil(s.tokens.refreshTokenTtlSeconds / 60)),
      refreshTokenUsagePolicy: s.tokens.refreshTokenUsage,
      timeToLiveInSeconds: s.tokens.accessTokenTtlSeconds,
    },
    logoutURL: opt(s.logoutUrl) as string,
    maximumPasswordAge: { days: pw.maximumAge.days, enabled: pw.maximumAge.enabled },
    minimumPasswordAge: { seconds: pw.minimumAge.seconds, enabled: pw.minimumAge.enabled },
    passwordEncryptionConfiguration: {
      encryptionScheme: s.passwordHashing.scheme as 'salted-pbkdf2-hmac-sha256',
      encryptionSchemeFactor: s.passwordHashing.factor,
      modifyEncryptionSchemeOnLogin: s.passwordHashing.rehashOnLogin,
    },
    passwordValidationRules: faPasswordRules(s),
    themeId: s.themeId,
    userDeletePolicy: {
      unverified: compact({ enabled: s.userDeletion.unverified.enabled, numberOfDaysToRetain: opt(s.userDeletion.unverified.numberOfDaysToRetain) }),
    },
  };
}

export function faPasswordRules(s: TenantSettings): NonNullable<FaTenant['passwordValidationRules']> {
  const pw = s.passwordPolicy;
  return {
    breachDetection: compact({
      enabled: pw.breachDetection.enabled,
      matchMode: pw.breachDetection.matchMode,
      notifyUserEmailTemplateId: opt(pw.breachDetection.notifyUserEmailTemplateId),
      onLogin: pw.breachDetection.onLogin,
    }),
    maxLength: pw.maxLength,
    minLength: pw.minLength,
    rememberPreviousPasswords: { count: pw.history.count, enabled: pw.history.enabled },
    requireMixedCase: pw.minUpperCase > 0 && pw.minLowerCase > 0,
    requireNonAlpha: pw.requireNonAlpha,
    requireNumber: pw.minDigits > 0,
    validateOnLogin: pw.validateOnLogin,
  };
}

/** The FusionAuth JSON of a stored tenant. */
export function toFaTenant(tenant: Tenant): Record<string, unknown> {
  const view = faView(tenant.settings);
  return compact({
    ...view,
    id: tenant.id,
    name: tenant.name,
    insertInstant: tenant.insertInstant,
    lastUpdateInstant: tenant.lastUpdateInstant,
    state: tenant.state,
  });
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * Writes a complete FusionAuth tenant (every default applied) onto `base`, returning new
 * settings. Fields FusionAuth does not know (PlusAuth/Vault ones) are kept from `base`.
 */
export function applyFaTenant(fa: FaTenantSettings, base: TenantSettings): TenantSettings {
  const before = faView(base);
  const s = structuredClone(base);
  const email = fa.emailConfiguration;
  const ext = fa.externalIdentifierConfiguration;
  const lock = fa.failedAuthenticationConfiguration;
  const jwt = fa.jwtConfiguration;
  const rules = fa.passwordValidationRules;
  const family = fa.familyConfiguration;

  s.connectorPolicies = fa.connectorPolicies.map((p) => ({ connectorId: p.connectorId, domains: p.domains ?? ['*'], migrate: p.migrate ?? false }));
  s.data = structuredClone(fa.data);
  s.email = {
    host: email.host!,
    port: email.port!,
    security: email.security!,
    username: orNull(email.username),
    password: orNull(email.password),
    properties: orNull(email.properties),
    defaultFromEmail: email.defaultFromEmail!,
    defaultFromName: orNull(email.defaultFromName),
    templates: {
      forgotPassword: orNull(email.forgotPasswordEmailTemplateId),
      passwordless: orNull(email.passwordlessEmailTemplateId),
      setPassword: orNull(email.setPasswordEmailTemplateId),
      verification: orNull(email.verificationEmailTemplateId),
    },
    verifyEmail: email.verifyEmail!,
    verifyEmailWhenChanged: email.verifyEmailWhenChanged!,
  };
  s.events = {};
  for (const [type, setting] of Object.entries(fa.eventConfiguration.events ?? {})) {
    if (setting) s.events[type as EventType] = { enabled: setting.enabled ?? false, transactionType: setting.transactionType ?? 'None' };
  }

  const gen = (g: { length?: number; type?: TenantSettings['oneTimeIds']['deviceUserCodeGenerator']['type'] }) => ({ type: g.type!, length: g.length! });
  s.tokens.authorizationCodeTtlSeconds = ext.authorizationGrantIdTimeToLiveInSeconds!;
  s.tokens.deviceCodeTtlSeconds = ext.deviceCodeTimeToLiveInSeconds!;
  s.oneTimeIds = {
    ...s.oneTimeIds,
    changePassword: { generator: gen(ext.changePasswordIdGenerator!), ttlSeconds: ext.changePasswordIdTimeToLiveInSeconds! },
    emailVerification: { generator: gen(ext.emailVerificationIdGenerator!), ttlSeconds: ext.emailVerificationIdTimeToLiveInSeconds! },
    passwordlessLogin: { generator: gen(ext.passwordlessLoginGenerator!), ttlSeconds: ext.passwordlessLoginTimeToLiveInSeconds! },
    registrationVerification: { generator: gen(ext.registrationVerificationIdGenerator!), ttlSeconds: ext.registrationVerificationIdTimeToLiveInSeconds! },
    setupPassword: { generator: gen(ext.setupPasswordIdGenerator!), ttlSeconds: ext.setupPasswordIdTimeToLiveInSeconds! },
    deviceUserCodeGenerator: gen(ext.deviceUserCodeIdGenerator!),
    externalAuthenticationTtlSeconds: ext.externalAuthenticationIdTimeToLiveInSeconds!,
    oneTimePasswordTtlSeconds: ext.oneTimePasswordTimeToLiveInSeconds!,
    twoFactorTtlSeconds: ext.twoFactorIdTimeToLiveInSeconds!,
    twoFactorTrustTtlSeconds: ext.twoFactorTrustIdTimeToLiveInSeconds!,
    samlv2AuthNRequestTtlSeconds: ext.samlv2AuthNRequestIdTimeToLiveInSeconds!,
  };

  const oldLock = before.failedAuthenticationConfiguration;
  if (lock.actionDuration !== oldLock.actionDuration || lock.actionDurationUnit !== oldLock.actionDurationUnit) {
    const seconds = lock.actionDuration! * UNIT_SECONDS[lock.actionDurationUnit!];
    s.userLockout.initialBlockSeconds = seconds;
    s.userLockout.maxBlockSeconds = seconds;
    s.userLockout.displayUnit = lock.actionDurationUnit!;
  }
  s.userLockout.maxAttempts = lock.tooManyAttempts!;
  s.userLockout.windowSeconds = lock.resetCountInSeconds!;
  s.userLockout.userActionId = orNull(lock.userActionId);

  s.family = {
    enabled: family.enabled!,
    allowChildRegistrations: family.allowChildRegistrations!,
    confirmChildEmailTemplateId: orNull(family.confirmChildEmailTemplateId),
    deleteOrphanedAccounts: family.deleteOrphanedAccounts!,
    deleteOrphanedAccountsDays: family.deleteOrphanedAccountsDays!,
    familyRequestEmailTemplateId: orNull(family.familyRequestEmailTemplateId),
    maximumChildAge: family.maximumChildAge!,
    minimumOwnerAge: family.minimumOwnerAge!,
    parentEmailRequired: family.parentEmailRequired!,
    parentRegistrationEmailTemplateId: orNull(family.parentRegistrationEmailTemplateId),
  };
  s.forms.adminUserFormId = orNull(fa.formConfiguration.adminUserFormId);
  s.tokens.sessionTtlSeconds = fa.httpSessionMaxInactiveInterval;
  s.issuer = fa.issuer;

  s.tokens.jwtEnabled = jwt.enabled!;
  s.tokens.accessTokenKeyId = jwt.accessTokenKeyId!;
  s.tokens.idTokenKeyId = jwt.idTokenKeyId!;
  s.tokens.refreshTokenExpiration = jwt.refreshTokenExpirationPolicy!;
  s.tokens.refreshTokenUsage = jwt.refreshTokenUsagePolicy!;
  s.tokens.revokeRefreshTokensOnLoginPrevented = jwt.refreshTokenRevocationPolicy!.onLoginPrevented!;
  s.tokens.revokeRefreshTokensOnPasswordChanged = jwt.refreshTokenRevocationPolicy!.onPasswordChanged!;
  if (jwt.refreshTokenTimeToLiveInMinutes !== before.jwtConfiguration.refreshTokenTimeToLiveInMinutes) {
    s.tokens.refreshTokenTtlSeconds = jwt.refreshTokenTimeToLiveInMinutes! * 60;
  }
  if (jwt.timeToLiveInSeconds !== before.jwtConfiguration.timeToLiveInSeconds) {
    // FusionAuth has one JWT lifetime; it governs both tokens.
    s.tokens.accessTokenTtlSeconds = jwt.timeToLiveInSeconds!;
    s.tokens.idTokenTtlSeconds = jwt.timeToLiveInSeconds!;
  }
  s.logoutUrl = orNull(fa.logoutURL);

  const pw = s.passwordPolicy;
  pw.maximumAge = { enabled: fa.maximumPasswordAge.enabled!, days: fa.maximumPasswordAge.days! };
  pw.minimumAge = { enabled: fa.minimumPasswordAge.enabled!, seconds: fa.minimumPasswordAge.seconds! };
  s.passwordHashing = {
    scheme: fa.passwordEncryptionConfiguration.encryptionScheme!,
    factor: fa.passwordEncryptionConfiguration.encryptionSchemeFactor!,
    rehashOnLogin: fa.passwordEncryptionConfiguration.modifyEncryptionSchemeOnLogin!,
  };
  const breach = rules.breachDetection!;
  pw.breachDetection = {
    enabled: breach.enabled!,
    matchMode: breach.matchMode!,
    onLogin: breach.onLogin!,
    notifyUserEmailTemplateId: orNull(breach.notifyUserEmailTemplateId),
  };
  pw.minLength = rules.minLength!;
  pw.maxLength = rules.maxLength!;
  pw.history = { enabled: rules.rememberPreviousPasswords!.enabled!, count: rules.rememberPreviousPasswords!.count! };
  pw.requireNonAlpha = rules.requireNonAlpha!;
  pw.validateOnLogin = rules.validateOnLogin!;
  const oldRules = before.passwordValidationRules;
  if (rules.requireMixedCase !== oldRules.requireMixedCase) {
    pw.minUpperCase = rules.requireMixedCase ? Math.max(1, pw.minUpperCase) : 0;
    pw.minLowerCase = rules.requireMixedCase ? Math.max(1, pw.minLowerCase) : 0;
  }
  if (rules.requireNumber !== oldRules.requireNumber) pw.minDigits = rules.requireNumber ? Math.max(1, pw.minDigits) : 0;

  s.themeId = fa.themeId;
  s.userDeletion.unverified = {
    enabled: fa.userDeletePolicy.unverified!.enabled!,
    numberOfDaysToRetain: orNull(fa.userDeletePolicy.unverified!.numberOfDaysToRetain),
  };
  return s;
}

/**
 * Seed 003's own rule: email verification needs `verificationEmailTemplateId`. Held only to a
 * FusionAuth write that turns verification on or removes the template, so a tenant whose
 * verification PlusAuth switched on (built-in message, no template) can still be updated here.
 */
export function faTenantProblems(next: TenantSettings, before: TenantSettings): FieldProblem[] {
  const e = next.email;
  const turnedOn = (e.verifyEmail && !before.email.verifyEmail) || (e.verifyEmailWhenChanged && !before.email.verifyEmailWhenChanged);
  const removed = Boolean(before.email.templates.verification) && !e.templates.verification;
  if ((e.verifyEmail || e.verifyEmailWhenChanged) && !e.templates.verification && (turnedOn || removed)) {
    return [problem('email.templates.verification', 'blank', 'A verification email template is required when email verification is enabled.')];
  }
  return [];
}

/** Core field path → FusionAuth field path, for rendering core problems as fieldErrors. */
const CORE_TO_FA: Array<[RegExp, string]> = [
  [/^name$/, 'tenant.name'],
  [/^id$/, 'tenant.id'],
  [/^slug$/, 'tenant.slug'],
  [/^issuer$/, 'tenant.issuer'],
  [/^sourceTenantId$/, 'sourceTenantId'],
  [/^tokens\.accessTokenKeyId$/, 'tenant.jwtConfiguration.accessTokenKeyId'],
  [/^tokens\.idTokenKeyId$/, 'tenant.jwtConfiguration.idTokenKeyId'],
  [/^tokens\.accessTokenTtlSeconds$|^tokens\.idTokenTtlSeconds$/, 'tenant.jwtConfiguration.timeToLiveInSeconds'],
  [/^tokens\.refreshTokenTtlSeconds$/, 'tenant.jwtConfiguration.refreshTokenTimeToLiveInMinutes'],
  [/^tokens\.authorizationCodeTtlSeconds$/, 'tenant.externalIdentifierConfiguration.authorizationGrantIdTimeToLiveInSeconds'],
  [/^tokens\.deviceCodeTtlSeconds$/, 'tenant.externalIdentifierConfiguration.deviceCodeTimeToLiveInSeconds'],
  [/^tokens\.sessionTtlSeconds$/, 'tenant.httpSessionMaxInactiveInterval'],
  [/^oneTimeIds\.deviceUserCodeGenerator\.(\w+)$/, 'tenant.externalIdentifierConfiguration.deviceUserCodeIdGenerator.$1'],
  [/^oneTimeIds\.(changePassword|emailVerification|registrationVerification|setupPassword)\.generator\.(\w+)$/, 'tenant.externalIdentifierConfiguration.$1IdGenerator.$2'],
  [/^oneTimeIds\.passwordlessLogin\.generator\.(\w+)$/, 'tenant.externalIdentifierConfiguration.passwordlessLoginGenerator.$1'],
  [/^oneTimeIds\.(changePassword|emailVerification|registrationVerification|setupPassword)\.ttlSeconds$/, 'tenant.externalIdentifierConfiguration.$1IdTimeToLiveInSeconds'],
  [/^oneTimeIds\.passwordlessLogin\.ttlSeconds$/, 'tenant.externalIdentifierConfiguration.passwordlessLoginTimeToLiveInSeconds'],
  [/^oneTimeIds\.externalAuthenticationTtlSeconds$/, 'tenant.externalIdentifierConfiguration.externalAuthenticationIdTimeToLiveInSeconds'],
  [/^oneTimeIds\.oneTimePasswordTtlSeconds$/, 'tenant.externalIdentifierConfiguration.oneTimePasswordTimeToLiveInSeconds'],
  [/^oneTimeIds\.twoFactorTtlSeconds$/, 'tenant.externalIdentifierConfiguration.twoFactorIdTimeToLiveInSeconds'],
  [/^oneTimeIds\.twoFactorTrustTtlSeconds$/, 'tenant.externalIdentifierConfiguration.twoFactorTrustIdTimeToLiveInSeconds'],
  [/^oneTimeIds\.samlv2AuthNRequestTtlSeconds$/, 'tenant.externalIdentifierConfiguration.samlv2AuthNRequestIdTimeToLiveInSeconds'],
  [/^userLockout\.maxAttempts$/, 'tenant.failedAuthenticationConfiguration.tooManyAttempts'],
  [/^userLockout\.windowSeconds$/, 'tenant.failedAuthenticationConfiguration.resetCountInSeconds'],
  [/^userLockout\.(initialBlockSeconds|maxBlockSeconds)$/, 'tenant.failedAuthenticationConfiguration.actionDuration'],
  [/^passwordPolicy\.(minLength|maxLength|validateOnLogin|requireNonAlpha)$/, 'tenant.passwordValidationRules.$1'],
  [/^passwordPolicy\.(minUpperCase|minLowerCase)$/, 'tenant.passwordValidationRules.requireMixedCase'],
  [/^passwordPolicy\.minDigits$/, 'tenant.passwordValidationRules.requireNumber'],
  [/^passwordPolicy\.history\.(\w+)$/, 'tenant.passwordValidationRules.rememberPreviousPasswords.$1'],
  [/^passwordPolicy\.breachDetection\.(\w+)$/, 'tenant.passwordValidationRules.breachDetection.$1'],
  [/^passwordPolicy\.maximumAge\.(\w+)$/, 'tenant.maximumPasswordAge.$1'],
  [/^passwordPolicy\.minimumAge\.(\w+)$/, 'tenant.minimumPasswordAge.$1'],
  [/^passwordHashing\.factor$/, 'tenant.passwordEncryptionConfiguration.encryptionSchemeFactor'],
  [/^email\.templates\.(\w+)$/, 'tenant.emailConfiguration.$1EmailTemplateId'],
  [/^email\.(\w+)$/, 'tenant.emailConfiguration.$1'],
  [/^family\.(\w+)$/, 'tenant.familyConfiguration.$1'],
  [/^userDeletion\.unverified\.(\w+)$/, 'tenant.userDeletePolicy.unverified.$1'],
  [/^connectorPolicies\[(\d+)\]\.(\w+)$/, 'tenant.connectorPolicies[$1].$2'],
];

export function faFieldFor(corePath: string): string {
  for (const [pattern, replacement] of CORE_TO_FA) {
    if (pattern.test(corePath)) return corePath.replace(pattern, replacement);
  }
  return `tenant.${corePath}`;
}
