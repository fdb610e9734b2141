/**
 * The one tenant model. FusionAuth (seed 003), PlusAuth (seeds 000–002) and the Vault
 * service (seed 004) each see a view of it; where two specifications describe the same
 * behaviour (lockout, password policy, token lifetimes, …) there is ONE field here and
 * each dialect maps its own names and units onto it (docs/tenant-model.md lists them).
 *
 * Units are normalised: every duration is in seconds, whatever the dialect uses.
 */
import { DEFAULT_BRANDING, type TenantBranding } from './branding.js';

export type GeneratorType = 'randomAlpha' | 'randomAlphaNumeric' | 'randomBytes' | 'randomDigits';
export const GENERATOR_TYPES: readonly GeneratorType[] = ['randomAlpha', 'randomAlphaNumeric', 'randomBytes', 'randomDigits'];

export interface SecureGenerator {
  type: GeneratorType;
  length: number;
}

/** A one-time identifier the tenant issues (change-password id, verification id, …). */
export interface OneTimeIdPolicy {
  generator: SecureGenerator;
  ttlSeconds: number;
}

export type TransactionType = 'None' | 'Any' | 'SimpleMajority' | 'SuperMajority' | 'AbsoluteMajority';
export const TRANSACTION_TYPES: readonly TransactionType[] = ['None', 'Any', 'SimpleMajority', 'SuperMajority', 'AbsoluteMajority'];

export const EVENT_TYPES = [
  'user.action', 'user.bulk.create', 'user.create', 'user.email.verified', 'user.update',
  'user.deactivate', 'user.reactivate', 'user.login.success', 'user.login.failed',
  'user.password.breach', 'user.registration.create', 'user.registration.update',
  'user.registration.delete', 'user.registration.verified', 'user.delete',
  'jwt.public-key.update', 'jwt.refresh', 'jwt.refresh-token.revoke',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type DurationUnit = 'MINUTES' | 'HOURS' | 'DAYS' | 'WEEKS' | 'MONTHS' | 'YEARS';
export const DURATION_UNITS: readonly DurationUnit[] = ['MINUTES', 'HOURS', 'DAYS', 'WEEKS', 'MONTHS', 'YEARS'];

export type PasswordScheme =
  | 'salted-pbkdf2-hmac-sha256'
  | 'bcrypt'
  | 'argon2id'
  | 'salted-md5'
  | 'salted-sha256'
  | 'salted-hmac-sha256'
  | 'salted-pbkdf2-hmac-sha512';
// Which schemes may hash new passwords and which only verify imported hashes is the hashers'
// own property (crypto/passwords: NEW_PASSWORD_SCHEMES); the tenant rules hold a tenant to it.

export interface TenantSettings {
  issuer: string;
  themeId: string;
  logoutUrl: string | null;
  /** FusionAuth `data`: free-form. */
  data: Record<string, unknown>;
  /** PlusAuth `region`. */
  region: string | null;
  /** PlusAuth `environment_variables`. */
  environmentVariables: Record<string, unknown>;
  connectorPolicies: Array<{ connectorId: string; domains: string[]; migrate: boolean }>;
  forms: { adminUserFormId: string | null };

  email: {
    host: string;
    port: number;
    security: 'NONE' | 'SSL' | 'TLS';
    username: string | null;
    password: string | null;
    /** FusionAuth documents a properties-file string; its example shows an object. Both are kept as given. */
    properties: string | Record<string, unknown> | null;
    defaultFromEmail: string;
    defaultFromName: string | null;
    templates: {
      forgotPassword: string | null;
      passwordless: string | null;
      setPassword: string | null;
      verification: string | null;
    };
    /** FA verifyEmail = PA force_email_verification. */
    verifyEmail: boolean;
    verifyEmailWhenChanged: boolean;
  };

  /** Self-service switches (PA register_enabled / VA register_enable, PA forgot_password_enabled, …). */
  registration: {
    selfServiceEnabled: boolean;
    forgotPasswordEnabled: boolean;
    welcomeEmailsEnabled: boolean;
    userSelfDeletionEnabled: boolean;
  };

  events: Partial<Record<EventType, { enabled: boolean; transactionType: TransactionType }>>;

  /** Signing keys and every token/code lifetime (all in seconds). */
  tokens: {
    jwtEnabled: boolean;
    accessTokenKeyId: string;
    idTokenKeyId: string;
    accessTokenTtlSeconds: number;
    idTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    refreshTokenExpiration: 'Fixed' | 'SlidingWindow';
    refreshTokenUsage: 'Reusable' | 'OneTimeUse';
    revokeRefreshTokensOnLoginPrevented: boolean;
    revokeRefreshTokensOnPasswordChanged: boolean;
    authorizationCodeTtlSeconds: number;
    deviceCodeTtlSeconds: number;
    cibaRequestTtlSeconds: number;
    clientCredentialsTtlSeconds: number;
    /** FA httpSessionMaxInactiveInterval = PA ttl.session. */
    sessionTtlSeconds: number;
  };

  /** The tenant's other one-time identifiers (FA externalIdentifierConfiguration). */
  oneTimeIds: {
    changePassword: OneTimeIdPolicy;
    emailVerification: OneTimeIdPolicy;
    passwordlessLogin: OneTimeIdPolicy;
    registrationVerification: OneTimeIdPolicy;
    setupPassword: OneTimeIdPolicy;
    deviceUserCodeGenerator: SecureGenerator;
    externalAuthenticationTtlSeconds: number;
    oneTimePasswordTtlSeconds: number;
    twoFactorTtlSeconds: number;
    twoFactorTrustTtlSeconds: number;
    samlv2AuthNRequestTtlSeconds: number;
  };

  /**
   * Per-user lockout: FA failedAuthenticationConfiguration, PA account_blocking and VA
   * block_config are this one mechanism. A block lasts `initialBlockSeconds`, doubling on each
   * repeat up to `maxBlockSeconds` (FA and PA set both equal: a fixed block).
   */
  userLockout: {
    enabled: boolean;
    maxAttempts: number;
    windowSeconds: number;
    initialBlockSeconds: number;
    maxBlockSeconds: number;
    /** The unit FA shows actionDuration in (kept so a FA round trip is exact). */
    displayUnit: DurationUnit;
    resetAfterSuccess: boolean;
    allowUserUnblock: boolean;
    notifyUser: boolean;
    userActionId: string | null;
  };

  /**
   * Per-IP brute-force blocking: PA brute_force and VA ip_attempts_*. Blocks follow the same
   * first/longest scheme as user lockout (PlusAuth's fixed block_duration sets both).
   */
  ipBruteForce: {
    enabled: boolean;
    maxAttempts: number;
    windowSeconds: number;
    initialBlockSeconds: number;
    maxBlockSeconds: number;
    /** IPs and CIDR ranges never counted or blocked. */
    whiteList: string[];
    notify: boolean;
  };

  /** Password rules: FA passwordValidationRules + ages, PA policies.password. */
  passwordPolicy: {
    minLength: number;
    maxLength: number;
    minUpperCase: number;
    minLowerCase: number;
    minDigits: number;
    requireNonAlpha: boolean;
    /** PA custom_chars: at least one of these characters. */
    customChars: string | null;
    history: { enabled: boolean; count: number };
    validateOnLogin: boolean;
    breachDetection: {
      enabled: boolean;
      matchMode: 'High' | 'Medium' | 'Low';
      onLogin: 'Off' | 'RecordOnly' | 'NotifyUser' | 'RequireChange';
      notifyUserEmailTemplateId: string | null;
    };
    maximumAge: { enabled: boolean; days: number };
    minimumAge: { enabled: boolean; seconds: number };
  };

  passwordHashing: { scheme: PasswordScheme; factor: number; rehashOnLogin: boolean };

  family: {
    enabled: boolean;
    allowChildRegistrations: boolean;
    confirmChildEmailTemplateId: string | null;
    deleteOrphanedAccounts: boolean;
    deleteOrphanedAccountsDays: number;
    familyRequestEmailTemplateId: string | null;
    maximumChildAge: number;
    minimumOwnerAge: number;
    parentEmailRequired: boolean;
    parentRegistrationEmailTemplateId: string | null;
  };

  userDeletion: { unverified: { enabled: boolean; numberOfDaysToRetain: number | null } };

  /** PlusAuth hosted-login settings. */
  loginExperience: {
    tenantLoginUrl: string | null;
    autoSignIn: boolean;
    defaultStrategy: string | null;
    acrValues: string[];
    extraParams: string[];
    extraScopes: string[];
    exposeUnsafeErrors: boolean;
    apiVersion: string | null;
  };
  ciba: { deliveryMode: 'ping' | 'poll'; notifierEndpoint: string | null };
  authenticator: { bindSim: boolean };

  /** Vault login methods: PIN/pattern, second factor, passkeys, biometrics. */
  loginMethods: {
    twoFactorRequired: boolean;
    usePin: boolean;
    pinSize: number;
    usePattern: boolean;
    patternSize: number;
    showPinWhenTyping: boolean;
    loginOrder: Array<'PIN' | 'PATTERN'>;
    passkeyEnabled: boolean;
    hasUsernameAndEmail: boolean;
    useFaceRecognition: boolean;
    useLiveness: boolean;
    liveness: {
      numberStepsMin: number;
      numberStepsMax: number;
      durationInSeconds: number;
      numberOfAllowedFailures: number;
      gestureSet: string[];
      numberBlinksMin: number;
      numberBlinksMax: number;
    } | null;
  };

  /**
   * PlusAuth subscription plan; what each allows is the plan catalogue's (core/plans). A new
   * tenant is put on the install's default plan (TESSERA_DEFAULT_PLAN) by the tenant service.
   */
  subscription: { plan: 'free' | 'basic' | 'pro' | 'enterprise' | 'on-premise' };

  /** The hosted pages' logo and colours (a Tessera extension, src/core/tenants/branding.ts). */
  branding: TenantBranding;
}

/** A stored tenant: identity and lifecycle beside its settings. */
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  state: 'Active' | 'PendingDelete';
  settings: TenantSettings;
  insertInstant: number;
  lastUpdateInstant: number;
  /** The account whose credential created the tenant (core/access/accounts.ts); never changes. */
  createdBy: string;
}

export const DEFAULT_THEME_ID = '75a068fd-e94b-451a-9aeb-3ddb9a3b5987';

const randomBytes32: SecureGenerator = { type: 'randomBytes', length: 32 };

/**
 * Defaults for a new tenant. FusionAuth's documented defaults (and, where it marks a field
 * Required without a default, the values of its example) take precedence because tenants are
 * created through that API; PlusAuth- and Vault-only settings take their own documented defaults.
 */
export function defaultTenantSettings(input: { issuer: string; accessTokenKeyId: string; idTokenKeyId: string }): TenantSettings {
  return {
    issuer: input.issuer,
    themeId: DEFAULT_THEME_ID,
    logoutUrl: null,
    data: {},
    region: null,
    environmentVariables: {},
    connectorPolicies: [],
    forms: { adminUserFormId: null },
    email: {
      host: 'localhost',
      port: 25,
      security: 'NONE',
      username: null,
      password: null,
      properties: null,
      defaultFromEmail: 'no-reply@fusionauth.io',
      defaultFromName: null,
      templates: { forgotPassword: null, passwordless: null, setPassword: null, verification: null },
      verifyEmail: false,
      verifyEmailWhenChanged: false,
    },
    registration: { selfServiceEnabled: false, forgotPasswordEnabled: true, welcomeEmailsEnabled: false, userSelfDeletionEnabled: false },
    events: {},
    tokens: {
      jwtEnabled: true,
      accessTokenKeyId: input.accessTokenKeyId,
      idTokenKeyId: input.idTokenKeyId,
      accessTokenTtlSeconds: 3600,
      idTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 43200 * 60,
      refreshTokenExpiration: 'Fixed',
      refreshTokenUsage: 'Reusable',
      revokeRefreshTokensOnLoginPrevented: true,
      revokeRefreshTokensOnPasswordChanged: true,
      authorizationCodeTtlSeconds: 30,
      deviceCodeTtlSeconds: 1800,
      cibaRequestTtlSeconds: 600,
      clientCredentialsTtlSeconds: 3600,
      sessionTtlSeconds: 3600,
    },
    oneTimeIds: {
      changePassword: { generator: randomBytes32, ttlSeconds: 600 },
      emailVerification: { generator: randomBytes32, ttlSeconds: 86400 },
      passwordlessLogin: { generator: randomBytes32, ttlSeconds: 180 },
      registrationVerification: { generator: randomBytes32, ttlSeconds: 86400 },
      setupPassword: { generator: randomBytes32, ttlSeconds: 86400 },
      deviceUserCodeGenerator: { type: 'randomAlphaNumeric', length: 6 },
      externalAuthenticationTtlSeconds: 300,
      oneTimePasswordTtlSeconds: 60,
      twoFactorTtlSeconds: 300,
      twoFactorTrustTtlSeconds: 2592000,
      samlv2AuthNRequestTtlSeconds: 300,
    },
    userLockout: {
      enabled: true,
      maxAttempts: 5,
      windowSeconds: 60,
      initialBlockSeconds: 180,
      maxBlockSeconds: 180,
      displayUnit: 'MINUTES',
      resetAfterSuccess: true,
      allowUserUnblock: true,
      notifyUser: true,
      userActionId: null,
    },
    // Off by default: FusionAuth (which creates tenants) has no IP blocking, and PlusAuth's numbers —
    // kept for when it is switched on — block an address (a whole office behind NAT) for 20 years.
    ipBruteForce: { enabled: false, maxAttempts: 10, windowSeconds: 7776000, initialBlockSeconds: 630720000, maxBlockSeconds: 630720000, whiteList: [], notify: true },
    passwordPolicy: {
      minLength: 8,
      maxLength: 256,
      minUpperCase: 0,
      minLowerCase: 0,
      minDigits: 0,
      requireNonAlpha: false,
      customChars: null,
      history: { enabled: false, count: 1 },
      validateOnLogin: false,
      breachDetection: { enabled: false, matchMode: 'High', onLogin: 'Off', notifyUserEmailTemplateId: null },
      maximumAge: { enabled: false, days: 180 },
      minimumAge: { enabled: false, seconds: 30 },
    },
    passwordHashing: { scheme: 'salted-pbkdf2-hmac-sha256', factor: 24000, rehashOnLogin: false },
    family: {
      enabled: false,
      allowChildRegistrations: true,
      confirmChildEmailTemplateId: null,
      deleteOrphanedAccounts: false,
      deleteOrphanedAccountsDays: 30,
      familyRequestEmailTemplateId: null,
      maximumChildAge: 12,
      minimumOwnerAge: 21,
      parentEmailRequired: false,
      parentRegistrationEmailTemplateId: null,
    },
    userDeletion: { unverified: { enabled: false, numberOfDaysToRetain: null } },
    loginExperience: {
      tenantLoginUrl: null,
      autoSignIn: false,
      defaultStrategy: null,
      acrValues: [],
      extraParams: [],
      extraScopes: [],
      exposeUnsafeErrors: false,
      apiVersion: null,
    },
    ciba: { deliveryMode: 'poll', notifierEndpoint: null },
    authenticator: { bindSim: false },
    loginMethods: {
      twoFactorRequired: false,
      usePin: true,
      pinSize: 6,
      usePattern: true,
      patternSize: 3,
      showPinWhenTyping: true,
      loginOrder: ['PIN'],
      passkeyEnabled: false,
      hasUsernameAndEmail: true,
      useFaceRecognition: false,
      useLiveness: false,
      liveness: null,
    },
    // The tenant service replaces it with TESSERA_DEFAULT_PLAN when the tenant is created.
    subscription: { plan: 'on-premise' },
    branding: { ...DEFAULT_BRANDING },
  };
}
