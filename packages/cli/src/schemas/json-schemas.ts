/** One appliance as lab documents list it. */
const APPLIANCE = {
  type: 'object',
  required: ['name', 'role', 'uuid', 'address', 'sshPort', 'username', 'hostKeyFingerprint'],
  properties: {
    name: { type: 'string' },
    role: { enum: ['fmc', 'ftd'] },
    uuid: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
    address: { type: 'string', pattern: '^127\\.' },
    sshPort: { type: 'integer', minimum: 1, maximum: 65535 },
    username: { type: 'string' },
    hostKeyFingerprint: { type: 'string', pattern: '^SHA256:' },
    tunnel: { enum: ['up', 'down', 'unknown'] },
  },
} as const;

/** A tunnel's state as the FMC's `sftunnel_status.pl` shows it, or `unknown` when it lists no such peer. */
const TUNNEL_STATES = ['up', 'degraded', 'down', 'unknown'];

/** The vendor's three expiry verdicts: core's `EXPIRY_VERDICT_KINDS` (a test keeps them equal; the schemas do not load core). */
const VERDICTS = ['valid', 'expiring', 'expired'];

/** How a device ended a renewal (core's `DeviceOutcome`). */
const DEVICE_OUTCOMES = ['renewed', 'delivered', 'rolled-back', 'failed', 'not-started'];

/** A renewal plan (core's `RenewalPlan`): plan/v1 and plan/v2 print it. */
const RENEWAL_PLAN = {
  type: 'object',
  required: ['version', 'fmc', 'livePaths', 'stagingDirectory', 'generate', 'devices', 'uncovered', 'plannedAt'],
  properties: {
    version: { const: 1 },
    fmc: {
      type: 'object',
      required: ['host', 'uuid', 'ca', 'certificate', 'deviceUuids'],
      properties: { host: { type: 'string' }, uuid: { type: 'string' }, ca: { type: 'object' }, certificate: { type: 'object' }, deviceUuids: { type: 'array', items: { type: 'string' } } },
    },
    livePaths: { type: 'object' },
    stagingDirectory: { type: 'string' },
    generate: {
      type: 'object',
      required: ['caKeySize', 'fmcKeySize', 'deviceKeys', 'crl'],
      properties: { caKeySize: { type: 'integer' }, fmcKeySize: { type: 'integer' }, deviceKeys: { type: 'integer' }, crl: { const: true } },
    },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uuid', 'name', 'address', 'canary', 'leftOut', 'current', 'keySize', 'keyForm', 'files', 'restart'],
        properties: {
          uuid: { type: 'string' },
          name: { type: 'string' },
          address: { type: 'string' },
          canary: { type: 'boolean' },
          leftOut: { type: 'boolean' },
          current: { type: 'object' },
          keySize: { type: 'integer' },
          keyForm: { type: 'string' },
          files: { type: 'array', minItems: 3, maxItems: 3 },
          restart: { type: 'string' },
        },
      },
    },
    uncovered: {
      type: 'array',
      items: { type: 'object', required: ['uuid'], properties: { uuid: { type: 'string' }, name: { type: 'string' } } },
    },
    plannedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** A certificate as a difference names it. */
const CERTIFICATE_IDENTITY = {
  type: 'object',
  required: ['fingerprintSha256', 'serial', 'notAfter'],
  properties: { fingerprintSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, serial: { type: 'string' }, notAfter: { type: 'string', format: 'date-time' } },
} as const;

/** Old → new of one certificate (core's `CertificateChange`). */
const CERTIFICATE_CHANGE = {
  type: 'object',
  required: ['from', 'to'],
  properties: { from: CERTIFICATE_IDENTITY, to: CERTIFICATE_IDENTITY },
} as const;

/** A renewal run's record (core's `RenewalResult`): renew and rollback print it. */
const RENEWAL_RESULT = {
  type: 'object',
  required: ['fmc', 'stagingDirectory', 'fmcSwitched', 'devices', 'counts', 'startedAt', 'finishedAt', 'durationMs'],
  properties: {
    fmc: { type: 'string' },
    stagingDirectory: { type: 'string' },
    fmcSwitched: { type: 'boolean' },
    stopped: { enum: ['canary-failed', 'max-failures'] },
    failedPushPath: { type: 'string' },
    counts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: 'string', format: 'date-time' },
    durationMs: { type: 'number', minimum: 0 },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uuid', 'name', 'address', 'outcome', 'alreadyDelivered', 'backups', 'durationMs', 'before', 'after'],
        properties: {
          uuid: { type: 'string' },
          name: { type: 'string' },
          address: { type: 'string' },
          outcome: { enum: DEVICE_OUTCOMES },
          cause: { type: 'string' },
          message: { type: 'string' },
          step: { type: 'string' },
          alreadyDelivered: { type: 'boolean' },
          backups: { type: 'object', additionalProperties: { type: 'string' } },
          durationMs: { type: 'number', minimum: 0 },
          before: { type: 'object' },
          after: { type: 'object' },
        },
      },
    },
  },
} as const;

/** A check of `verify`: passed, or why not. */
const VERIFICATION_CHECK = {
  type: 'object',
  additionalProperties: false,
  required: ['ok'],
  properties: { ok: { type: 'boolean' }, problem: { type: 'string' } },
} as const;

/** A certificate as a plan file names it (the plan file's `PlannedCertificate`): nothing that changes with the clock. */
const PLANNED_CERTIFICATE = {
  type: 'object',
  additionalProperties: false,
  required: ['fingerprintSha256', 'serial', 'notAfter'],
  properties: { fingerprintSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, serial: { type: 'string', pattern: '^[0-9a-f]+$' }, notAfter: { type: 'string', format: 'date-time' } },
} as const;

/** A text, or `null` for "not given". */
const TEXT_OR_NULL = { anyOf: [{ type: 'string' }, { type: 'null' }] } as const;

/** One way the FMC no longer matches a plan file (the CLI's `PlanDifference`). */
const PLAN_DIFFERENCE = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'change', 'message'],
  properties: { path: { type: 'string' }, change: { enum: ['added', 'removed', 'changed'] }, planned: {}, now: {}, message: { type: 'string' } },
} as const;

/** The draft every document schema follows. */
const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/** What differs between the document schemas; `documentSchema` adds the rest. */
interface DocumentShape {
  /** A title, where the id does not say enough. */
  readonly title?: string;
  /** Whether fields not listed are refused (`additionalProperties: false`). */
  readonly closed?: boolean;
  /** The fields every document has, besides `schema`. */
  readonly required: readonly string[];
  /** The fields, besides `schema`. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Definitions the fields refer to (`#/$defs/…`). */
  readonly $defs?: Readonly<Record<string, unknown>>;
}

/**
 * The schema of a `--json` document: an object whose `schema` field is its id (`$id`), whose other
 * fields are `shape`'s; the one place the wrapper every document shares is written.
 */
function documentSchema<Id extends string>(id: Id, shape: DocumentShape): JsonSchema & { readonly $id: Id } {
  return {
    $schema: DRAFT,
    $id: id,
    ...(shape.title === undefined ? {} : { title: shape.title }),
    type: 'object',
    ...(shape.closed === true ? { additionalProperties: false } : {}),
    required: ['schema', ...shape.required],
    properties: { schema: { const: id }, ...shape.properties },
    ...(shape.$defs === undefined ? {} : { $defs: shape.$defs }),
  };
}

const SCHEMAS = {
  'sftunnel-ca/check/v1': documentSchema('sftunnel-ca/check/v1', {
    closed: true,
    required: ['source', 'subject', 'notAfter', 'checkedAt', 'verdict', 'days', 'healthAlert', 'message'],
    properties: {
      source: {
        type: 'object',
        additionalProperties: false,
        properties: { file: { type: 'string' }, fmc: { type: 'string' } },
        minProperties: 1,
      },
      subject: { type: 'string' },
      notAfter: { type: 'string', format: 'date-time' },
      checkedAt: { type: 'string', format: 'date-time' },
      verdict: { enum: VERDICTS },
      days: { type: 'integer', minimum: 0 },
      healthAlert: { enum: ['none', 'warning', 'error'] },
      message: { type: 'string' },
    },
  }),
  'sftunnel-ca/diagnose/v1': documentSchema('sftunnel-ca/diagnose/v1', {
    closed: true,
    required: ['files', 'findings', 'causes'],
    properties: {
      files: { type: 'array', items: { type: 'string' } },
      causes: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
      findings: {
        type: 'array',
        items: {
          type: 'object',
          required: ['file', 'cause', 'timestamp', 'host', 'process', 'reason', 'line', 'action'],
          properties: {
            file: { type: 'string' },
            cause: { enum: ['CA_EXPIRED', 'PEER_REJECTED_EXPIRED', 'HANDSHAKE_FAILED', 'CONNECT_FAILED', 'UNKNOWN'] },
            timestamp: { type: 'string' },
            host: { type: 'string' },
            process: { type: 'string' },
            pid: { type: 'integer' },
            peerAddress: { type: 'string' },
            depth: { type: 'integer' },
            issuer: { type: 'string' },
            subject: { type: 'string' },
            reason: { type: 'string' },
            line: { type: 'integer', minimum: 1 },
            action: { type: 'string' },
          },
        },
      },
    },
  }),
  'sftunnel-ca/lab/v1': documentSchema('sftunnel-ca/lab/v1', {
    required: ['pid', 'startedAt', 'stateDir', 'fmc', 'devices', 'files'],
    properties: {
      pid: { type: 'integer' },
      startedAt: { type: 'string', format: 'date-time' },
      stateDir: { type: 'string' },
      fmc: { $ref: '#/$defs/appliance' },
      secondaryFmc: { $ref: '#/$defs/appliance' },
      devices: { type: 'array', items: { $ref: '#/$defs/appliance' } },
      files: {
        type: 'object',
        required: ['password', 'knownHosts', 'devicesCsv'],
        properties: { password: { type: 'string' }, knownHosts: { type: 'string' }, devicesCsv: { type: 'string' } },
      },
    },
    $defs: { appliance: APPLIANCE },
  }),
  'sftunnel-ca/lab-status/v1': documentSchema('sftunnel-ca/lab-status/v1', {
    required: ['up'],
    properties: {
      up: { type: 'boolean' },
      pid: { type: 'integer' },
      stateDir: { type: 'string' },
      fmc: { $ref: '#/$defs/appliance' },
      devices: { type: 'array', items: { $ref: '#/$defs/appliance' } },
    },
    $defs: { appliance: APPLIANCE },
  }),
  'sftunnel-ca/plan/v1': documentSchema('sftunnel-ca/plan/v1', {
    closed: true,
    required: ['fmc', 'plan'],
    properties: {
      fmc: { type: 'string' },
      plan: RENEWAL_PLAN,
    },
  }),
  'sftunnel-ca/plan/v2': documentSchema('sftunnel-ca/plan/v2', {
    closed: true,
    required: ['fmc', 'plan'],
    properties: {
      preflight: {
        type: 'object',
        required: ['version', 'fmc', 'fmcUuid', 'refused', 'counts', 'findings', 'unreachable', 'startedAt', 'finishedAt', 'durationMs'],
        properties: {
          version: { const: 1 },
          fmc: { type: 'string' },
          fmcUuid: { type: 'string' },
          refused: { type: 'boolean' },
          counts: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
          unreachable: { type: 'array', items: { type: 'string' } },
          findings: {
            type: 'array',
            items: {
              type: 'object',
              required: ['probe', 'verdict', 'message'],
              properties: {
                probe: { type: 'string' },
                verdict: { enum: ['pass', 'warn', 'fail'] },
                message: { type: 'string' },
                remedy: { type: 'string' },
                cause: { type: 'string' },
                device: { type: 'object', required: ['uuid', 'name', 'address'] , properties: { uuid: { type: 'string' }, name: { type: 'string' }, address: { type: 'string' } } },
              },
            },
          },
          startedAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: 'string', format: 'date-time' },
          durationMs: { type: 'number', minimum: 0 },
        },
      },
      fmc: { type: 'string' },
      plan: RENEWAL_PLAN,
      diff: {
        type: 'object',
        required: ['ca', 'fmcCertificate', 'devices'],
        properties: {
          ca: CERTIFICATE_CHANGE,
          fmcCertificate: CERTIFICATE_CHANGE,
          devices: {
            type: 'array',
            items: {
              type: 'object',
              required: ['uuid', 'name', 'ca', 'certificate'],
              properties: { uuid: { type: 'string' }, name: { type: 'string' }, ca: CERTIFICATE_CHANGE, certificate: CERTIFICATE_CHANGE },
            },
          },
        },
      },
    },
  }),
  'sftunnel-ca/plan-file/v1': documentSchema('sftunnel-ca/plan-file/v1', {
    title: 'sftunnel-ca plan file (plan --out; renew --plan)',
    closed: true,
    required: ['fmc', 'generator', 'generate', 'options', 'devices'],
    properties: {
      fmc: {
        type: 'object',
        additionalProperties: false,
        required: ['host', 'uuid', 'ca', 'caKey', 'certificate', 'livePaths'],
        properties: {
          host: { type: 'string' },
          uuid: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
          ca: PLANNED_CERTIFICATE,
          caKey: { type: 'object', additionalProperties: false, required: ['path', 'state'], properties: { path: { type: 'string' }, state: { enum: ['matches', 'missing', 'mismatch'] } } },
          certificate: PLANNED_CERTIFICATE,
          livePaths: {
            type: 'object',
            additionalProperties: false,
            required: ['caCertificate', 'caCrl', 'sftunnelCertificate', 'sftunnelKey'],
            properties: { caCertificate: { type: 'string' }, caCrl: { type: 'string' }, sftunnelCertificate: { type: 'string' }, sftunnelKey: { type: 'string' } },
          },
        },
      },
      generator: { enum: ['own', 'vendor', null] },
      generate: {
        type: 'object',
        additionalProperties: false,
        required: ['caKeySize', 'fmcKeySize', 'deviceKeys', 'crl'],
        properties: { caKeySize: { type: 'integer' }, fmcKeySize: { type: 'integer' }, deviceKeys: { type: 'integer', minimum: 0 }, crl: { const: true } },
      },
      options: {
        type: 'object',
        additionalProperties: false,
        required: ['canary', 'leaveOut', 'backdate', 'generator', 'caKey', 'staging', 'allowUnreachable'],
        properties: {
          canary: { type: 'integer', minimum: 0 },
          leaveOut: { type: 'array', items: { type: 'string' } },
          backdate: TEXT_OR_NULL,
          generator: { enum: ['own', 'vendor', null] },
          caKey: TEXT_OR_NULL,
          staging: TEXT_OR_NULL,
          allowUnreachable: { type: 'boolean' },
        },
      },
      devices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uuid', 'name', 'address', 'action', 'canary', 'certificate', 'keySize', 'keyForm', 'tunnel'],
          properties: {
            uuid: { type: 'string' },
            name: TEXT_OR_NULL,
            address: TEXT_OR_NULL,
            action: { enum: ['re-key', 'leave-out', 'not-covered'] },
            canary: { type: 'boolean' },
            certificate: PLANNED_CERTIFICATE,
            keySize: { type: 'integer' },
            keyForm: { type: 'string' },
            tunnel: { enum: TUNNEL_STATES },
          },
        },
      },
    },
  }),
  'sftunnel-ca/plan-mismatch/v1': documentSchema('sftunnel-ca/plan-mismatch/v1', {
    closed: true,
    required: ['plan', 'sha256', 'differences'],
    properties: {
      plan: { type: 'string' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      differences: { type: 'array', minItems: 1, items: PLAN_DIFFERENCE },
    },
  }),
  'sftunnel-ca/renew/v1': documentSchema('sftunnel-ca/renew/v1', {
    closed: true,
    required: ['result'],
    properties: {
      result: RENEWAL_RESULT,
    },
  }),
  'sftunnel-ca/rollback/v1': documentSchema('sftunnel-ca/rollback/v1', {
    closed: true,
    required: ['result'],
    properties: {
      result: RENEWAL_RESULT,
    },
  }),
  'sftunnel-ca/copy/v1': documentSchema('sftunnel-ca/copy/v1', {
    closed: true,
    required: ['source', 'caFingerprintSha256', 'stagingDirectory', 'records', 'counts', 'log', 'interrupted'],
    properties: {
      source: { type: 'string' },
      caFingerprintSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      stagingDirectory: TEXT_OR_NULL,
      interrupted: { type: 'boolean' },
      log: { type: 'string' },
      counts: {
        type: 'object',
        additionalProperties: false,
        required: ['copied', 'skipped-not-ha-peer', 'failed'],
        properties: { copied: { type: 'integer', minimum: 0 }, 'skipped-not-ha-peer': { type: 'integer', minimum: 0 }, failed: { type: 'integer', minimum: 0 } },
      },
      records: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'address', 'line', 'outcome', 'alreadyCopied', 'backups', 'events', 'startedAt', 'finishedAt', 'durationMs'],
          properties: {
            name: { type: 'string' },
            address: { type: 'string' },
            line: { type: 'integer', minimum: 0 },
            role: { enum: ['ftd', 'ha-peer', 'fmc'] },
            outcome: { enum: ['copied', 'skipped-not-ha-peer', 'failed'] },
            cause: { type: 'string' },
            message: { type: 'string' },
            alreadyCopied: { type: 'boolean' },
            backups: { type: 'object', additionalProperties: { type: 'string' } },
            events: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['kind', 'at'],
                properties: {
                  kind: { enum: ['attempting', 'connected', 'not-ha-peer', 'copying', 'copied', 'restarting', 'closing', 'could-not-connect', 'failed'] },
                  at: { type: 'string', format: 'date-time' },
                  reason: { type: 'string' },
                },
              },
            },
            startedAt: { type: 'string', format: 'date-time' },
            finishedAt: { type: 'string', format: 'date-time' },
            durationMs: { type: 'number', minimum: 0 },
          },
        },
      },
    },
  }),
  'sftunnel-ca/verify/v1': documentSchema('sftunnel-ca/verify/v1', {
    closed: true,
    required: ['fmc', 'checkedAt', 'passed', 'failed', 'devices'],
    properties: {
      fmc: { type: 'string' },
      caKey: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'state'],
        properties: { path: { type: 'string' }, state: { enum: ['matches', 'missing', 'mismatch'] } },
      },
      checkedAt: { type: 'string', format: 'date-time' },
      passed: { type: 'integer', minimum: 0 },
      failed: { type: 'integer', minimum: 0 },
      devices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uuid', 'name', 'address', 'ok', 'files', 'chain', 'key', 'tunnel'],
          properties: {
            uuid: { type: 'string' },
            name: { type: 'string' },
            address: { type: 'string' },
            ok: { type: 'boolean' },
            files: VERIFICATION_CHECK,
            chain: VERIFICATION_CHECK,
            key: VERIFICATION_CHECK,
            tunnel: { enum: TUNNEL_STATES },
            error: { type: 'string' },
          },
        },
      },
    },
  }),
  'sftunnel-ca/status/v1': documentSchema('sftunnel-ca/status/v1', {
    closed: true,
    required: ['fmc', 'checkedAt', 'ca', 'devices'],
    properties: {
      fmc: { type: 'string' },
      checkedAt: { type: 'string', format: 'date-time' },
      ca: {
        type: 'object',
        additionalProperties: false,
        required: ['subject', 'notAfter', 'verdict', 'days'],
        properties: { subject: { type: 'string' }, notAfter: { type: 'string', format: 'date-time' }, verdict: { enum: VERDICTS }, days: { type: 'integer', minimum: 0 } },
      },
      devices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uuid', 'name', 'address', 'certificateNotAfter', 'certificateVerdict', 'tunnel'],
          properties: {
            uuid: { type: 'string' },
            name: { type: 'string' },
            address: { type: 'string' },
            certificateNotAfter: { type: 'string', format: 'date-time' },
            certificateVerdict: { enum: VERDICTS },
            tunnel: { enum: TUNNEL_STATES },
          },
        },
      },
    },
  }),
  'sftunnel-ca/demo/v1': documentSchema('sftunnel-ca/demo/v1', {
    closed: true,
    required: ['fmc', 'ca', 'devices', 'verified', 'failedPushPath', 'durationMs'],
    properties: {
      fmc: { type: 'string', pattern: '^[^@]+@127\\.[0-9.]+:[0-9]+$' },
      ca: {
        type: 'object',
        additionalProperties: false,
        required: ['oldFingerprintSha256', 'newFingerprintSha256', 'newNotAfter'],
        properties: { oldFingerprintSha256: { type: 'string' }, newFingerprintSha256: { type: 'string' }, newNotAfter: { type: 'string', format: 'date-time' } },
      },
      devices: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'address', 'tunnelBefore', 'tunnelAfter', 'outcome', 'newCa'],
          properties: {
            name: { type: 'string' },
            address: { type: 'string' },
            tunnelBefore: { enum: TUNNEL_STATES },
            tunnelAfter: { enum: TUNNEL_STATES },
            outcome: { enum: DEVICE_OUTCOMES },
            newCa: { type: 'boolean' },
          },
        },
      },
      verified: { type: 'integer', minimum: 0 },
      failedPushPath: TEXT_OR_NULL,
      durationMs: { type: 'number', minimum: 0 },
    },
  }),
  'sftunnel-ca/error/v1': documentSchema('sftunnel-ca/error/v1', {
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'remedy'],
        properties: {
          code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]+$' },
          message: { type: 'string' },
          remedy: { type: 'string' },
          host: { type: 'string' },
          step: { type: 'string' },
          file: { type: 'string' },
          line: { type: 'integer' },
          column: { type: 'integer' },
        },
      },
    },
  }),
  'sftunnel-ca/probe/v1': documentSchema('sftunnel-ca/probe/v1', {
    required: ['fmc', 'probedAt', 'healthy', 'unhealthy', 'appliances'],
    properties: {
      fmc: { type: 'string' },
      probedAt: { type: 'string', format: 'date-time' },
      healthy: { type: 'integer', minimum: 0 },
      unhealthy: { type: 'integer', minimum: 0 },
      appliances: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'role', 'address', 'reached'],
          properties: {
            name: { type: 'string' },
            role: { enum: ['fmc', 'ftd'] },
            address: { type: 'string' },
            reached: { type: 'boolean' },
            error: { type: 'string' },
            loginSteps: { type: 'array', items: { type: 'string' } },
            transcript: { type: 'string' },
            report: {
              type: 'object',
              required: ['host', 'role', 'probedAt', 'login', 'version', 'paths', 'commands', 'freeDisk', 'problems'],
              properties: {
                host: { type: 'string' },
                role: { enum: ['fmc', 'ftd'] },
                probedAt: { type: 'string', format: 'date-time' },
                login: {
                  type: 'object',
                  required: ['root'],
                  properties: { strategy: { type: 'string' }, uid: { type: 'integer', minimum: 0 }, root: { type: 'boolean' } },
                },
                version: { type: 'object', properties: { text: { type: 'string' }, source: { type: 'string' } } },
                paths: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['path', 'present'],
                    properties: {
                      path: { type: 'string', pattern: '^/' },
                      present: { type: 'boolean' },
                      type: { enum: ['file', 'directory', 'symlink', 'other'] },
                      owner: { type: 'string' },
                      group: { type: 'string' },
                      mode: { type: 'integer', minimum: 0, maximum: 4095 },
                    },
                  },
                },
                caKey: { type: 'object', required: ['path', 'state'], properties: { path: { type: 'string' }, state: { enum: ['matches', 'missing', 'mismatch'] } } },
                commands: {
                  type: 'array',
                  items: { type: 'object', required: ['name', 'present'], properties: { name: { type: 'string' }, present: { type: 'boolean' } } },
                },
                freeDisk: {
                  type: 'array',
                  items: { type: 'object', required: ['path'], properties: { path: { type: 'string' }, availableKiB: { type: 'integer', minimum: 0 } } },
                },
                clockOffsetMs: { type: 'number' },
                tunnels: {
                  type: 'array',
                  items: { type: 'object', required: ['address', 'state'], properties: { address: { type: 'string' }, state: { enum: ['up', 'degraded', 'down'] } } },
                },
                problems: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  }),
} as const;

/** The id of a document schema, e.g. `sftunnel-ca/check/v1`. */
export type JsonSchemaId = keyof typeof SCHEMAS;

/** A JSON Schema document (draft 2020-12), as shipped in `schemas/*.json`. */
export interface JsonSchema {
  /** The draft it follows. */
  readonly $schema: string;
  /** Its stable id, the `schema` field of the documents it describes. */
  readonly $id: string;
  /** The rest of the schema. */
  readonly [keyword: string]: unknown;
}

/**
 * JSON Schemas (draft 2020-12) of the documents `--json` prints, one per `schema` id. A
 * document's `schema` field names its version; a new version is added, never changed.
 */
export const JSON_SCHEMAS: Readonly<Record<JsonSchemaId, JsonSchema>> = SCHEMAS;
