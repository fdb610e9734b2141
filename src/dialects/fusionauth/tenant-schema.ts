/**
 * FusionAuth's tenant object (seed 003) as one TypeBox schema: it validates requests, types the
 * mapping code and feeds the OpenAPI document. Every field is optional here because left-out
 * fields take their documented defaults; `name` is required by the routes that create/replace.
 * Ranges are FusionAuth's own ("must be greater than 0", authorization code ≤ 600 s), or what
 * the columns and a JavaScript Date hold. As in FusionAuth, `null` for an optional field means
 * "not given" (nullMeansAbsent).
 */
import { Type, type Static } from 'typebox';
import { DURATION_UNITS, EVENT_TYPES, GENERATOR_TYPES, TRANSACTION_TYPES } from '../../core/tenants/settings.js';
import { NEW_PASSWORD_SCHEMES, PASSWORD_SCHEMES } from '../../crypto/passwords/index.js';
import { nullMeansAbsent } from '../../util/schema-nulls.js';

const Uuid = Type.String({ format: 'uuid' });
const PositiveInt = Type.Integer({ exclusiveMinimum: 0, maximum: 2147483647 });
const PositiveLong = Type.Integer({ exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Text = (maxLength = 1024) => Type.String({ maxLength });
const Enum = <T extends readonly string[]>(values: T) => Type.Enum([...values] as unknown as T[number][]);
/** Epoch milliseconds a Date can hold (read-only instants: accepted and ignored). */
const Instant = Type.Integer({ minimum: -8.64e15, maximum: 8.64e15 });

/** A factor given together with its scheme is held to that scheme's range (bcrypt: cost 4–31). */
const factorForScheme = NEW_PASSWORD_SCHEMES.map((scheme) => {
  const [minimum, maximum] = PASSWORD_SCHEMES[scheme].factorRange;
  return {
    if: { required: ['encryptionScheme', 'encryptionSchemeFactor'], properties: { encryptionScheme: { const: scheme } } },
    then: { properties: { encryptionSchemeFactor: { minimum, maximum } } },
  };
});

const Generator = Type.Object({
  length: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
  type: Type.Optional(Enum(GENERATOR_TYPES)),
});

const EventSetting = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  transactionType: Type.Optional(Enum(TRANSACTION_TYPES)),
});

const RawTenantSchema = Type.Object(
  {
    id: Type.Optional(Uuid),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 191 })),
    connectorPolicies: Type.Optional(
      Type.Array(
        Type.Object({
          connectorId: Uuid,
          domains: Type.Optional(Type.Array(Text(255), { maxItems: 1000 })),
          migrate: Type.Optional(Type.Boolean()),
        }),
        { maxItems: 100 },
      ),
    ),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    emailConfiguration: Type.Optional(
      Type.Object({
        enabled: Type.Optional(Type.Boolean()),
        defaultFromEmail: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
        defaultFromName: Type.Optional(Text(255)),
        forgotPasswordEmailTemplateId: Type.Optional(Uuid),
        host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        password: Type.Optional(Text(1024)),
        passwordlessEmailTemplateId: Type.Optional(Uuid),
        port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
        properties: Type.Optional(Type.Union([Text(65536), Type.Record(Type.String(), Type.Unknown())])),
        security: Type.Optional(Enum(['NONE', 'SSL', 'TLS'] as const)),
        setPasswordEmailTemplateId: Type.Optional(Uuid),
        username: Type.Optional(Text(255)),
        verificationEmailTemplateId: Type.Optional(Uuid),
        verifyEmail: Type.Optional(Type.Boolean()),
        verifyEmailWhenChanged: Type.Optional(Type.Boolean()),
      }),
    ),
    eventConfiguration: Type.Optional(
      Type.Object({
        // Only the documented event types are keys here.
        events: Type.Optional(Type.Object(Object.fromEntries(EVENT_TYPES.map((e) => [e, Type.Optional(EventSetting)])), { additionalProperties: false })),
      }),
    ),
    externalIdentifierConfiguration: Type.Optional(
      Type.Object({
        authorizationGrantIdTimeToLiveInSeconds: Type.Optional(Type.Integer({ exclusiveMinimum: 0, maximum: 600 })),
        changePasswordIdGenerator: Type.Optional(Generator),
        changePasswordIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        deviceCodeTimeToLiveInSeconds: Type.Optional(PositiveInt),
        deviceUserCodeIdGenerator: Type.Optional(Generator),
        emailVerificationIdGenerator: Type.Optional(Generator),
        emailVerificationIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        externalAuthenticationIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        oneTimePasswordTimeToLiveInSeconds: Type.Optional(PositiveInt),
        passwordlessLoginGenerator: Type.Optional(Generator),
        passwordlessLoginTimeToLiveInSeconds: Type.Optional(PositiveInt),
        registrationVerificationIdGenerator: Type.Optional(Generator),
        registrationVerificationIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        samlv2AuthNRequestIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        setupPasswordIdGenerator: Type.Optional(Generator),
        setupPasswordIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        twoFactorIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
        twoFactorTrustIdTimeToLiveInSeconds: Type.Optional(PositiveInt),
      }),
    ),
    failedAuthenticationConfiguration: Type.Optional(
      Type.Object({
        actionDuration: Type.Optional(PositiveLong),
        actionDurationUnit: Type.Optional(Enum(DURATION_UNITS)),
        resetCountInSeconds: Type.Optional(PositiveInt),
        tooManyAttempts: Type.Optional(PositiveInt),
        userActionId: Type.Optional(Uuid),
      }),
    ),
    familyConfiguration: Type.Optional(
      Type.Object({
        allowChildRegistrations: Type.Optional(Type.Boolean()),
        confirmChildEmailTemplateId: Type.Optional(Uuid),
        deleteOrphanedAccounts: Type.Optional(Type.Boolean()),
        deleteOrphanedAccountsDays: Type.Optional(PositiveInt),
        enabled: Type.Optional(Type.Boolean()),
        familyRequestEmailTemplateId: Type.Optional(Uuid),
        maximumChildAge: Type.Optional(PositiveInt),
        minimumOwnerAge: Type.Optional(PositiveInt),
        parentEmailRequired: Type.Optional(Type.Boolean()),
        parentRegistrationEmailTemplateId: Type.Optional(Uuid),
      }),
    ),
    formConfiguration: Type.Optional(Type.Object({ adminUserFormId: Type.Optional(Uuid) })),
    httpSessionMaxInactiveInterval: Type.Optional(PositiveInt),
    issuer: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    jwtConfiguration: Type.Optional(
      Type.Object({
        enabled: Type.Optional(Type.Boolean()),
        accessTokenKeyId: Type.Optional(Uuid),
        idTokenKeyId: Type.Optional(Uuid),
        refreshTokenExpirationPolicy: Type.Optional(Enum(['Fixed', 'SlidingWindow'] as const)),
        refreshTokenRevocationPolicy: Type.Optional(
          Type.Object({ onLoginPrevented: Type.Optional(Type.Boolean()), onPasswordChanged: Type.Optional(Type.Boolean()) }),
        ),
        refreshTokenTimeToLiveInMinutes: Type.Optional(PositiveInt),
        refreshTokenUsagePolicy: Type.Optional(Enum(['Reusable', 'OneTimeUse'] as const)),
        timeToLiveInSeconds: Type.Optional(PositiveInt),
      }),
    ),
    logoutURL: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    maximumPasswordAge: Type.Optional(Type.Object({ days: Type.Optional(PositiveInt), enabled: Type.Optional(Type.Boolean()) })),
    minimumPasswordAge: Type.Optional(Type.Object({ seconds: Type.Optional(PositiveInt), enabled: Type.Optional(Type.Boolean()) })),
    passwordEncryptionConfiguration: Type.Optional(
      Type.Object(
        {
          encryptionScheme: Type.Optional(Enum(NEW_PASSWORD_SCHEMES)),
          encryptionSchemeFactor: Type.Optional(PositiveInt),
          modifyEncryptionSchemeOnLogin: Type.Optional(Type.Boolean()),
        },
        { allOf: factorForScheme },
      ),
    ),
    passwordValidationRules: Type.Optional(
      Type.Object({
        breachDetection: Type.Optional(
          Type.Object({
            enabled: Type.Optional(Type.Boolean()),
            matchMode: Type.Optional(Enum(['High', 'Medium', 'Low'] as const)),
            notifyUserEmailTemplateId: Type.Optional(Uuid),
            onLogin: Type.Optional(Enum(['Off', 'RecordOnly', 'NotifyUser', 'RequireChange'] as const)),
          }),
        ),
        maxLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
        minLength: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
        rememberPreviousPasswords: Type.Optional(Type.Object({ count: Type.Optional(PositiveInt), enabled: Type.Optional(Type.Boolean()) })),
        requireMixedCase: Type.Optional(Type.Boolean()),
        requireNonAlpha: Type.Optional(Type.Boolean()),
        requireNumber: Type.Optional(Type.Boolean()),
        validateOnLogin: Type.Optional(Type.Boolean()),
      }),
    ),
    themeId: Type.Optional(Uuid),
    userDeletePolicy: Type.Optional(
      Type.Object({
        unverified: Type.Optional(Type.Object({ enabled: Type.Optional(Type.Boolean()), numberOfDaysToRetain: Type.Optional(PositiveInt) })),
      }),
    ),
    // Read-only: accepted and ignored on input, set by the server on output.
    insertInstant: Type.Optional(Instant),
    lastUpdateInstant: Type.Optional(Instant),
    state: Type.Optional(Enum(['Active', 'PendingDelete'] as const)),
  },
  { $id: 'FusionAuthTenant' },
);
export type FaTenant = Static<typeof RawTenantSchema>;
export const FaTenantSchema = nullMeansAbsent(RawTenantSchema);

const RawTenantRequestSchema = Type.Object(
  {
    tenant: Type.Optional(RawTenantSchema),
    sourceTenantId: Type.Optional(Uuid),
    webhookIds: Type.Optional(Type.Array(Uuid)),
    eventInfo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'FusionAuthTenantRequest' },
);
export type FaTenantRequest = Static<typeof RawTenantRequestSchema>;
export const FaTenantRequestSchema = nullMeansAbsent(RawTenantRequestSchema);
