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

/**
 * JSON Schemas (draft 2020-12) of the documents `--json` prints, one per `schema` id. A
 * document's `schema` field names its version; a new version is added, never changed.
 */
export const JSON_SCHEMAS = {
  'sftunnel-ca/check/v1': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'sftunnel-ca/check/v1',
    type: 'object',
    additionalProperties: false,
    required: ['schema', 'source', 'subject', 'notAfter', 'checkedAt', 'verdict', 'days', 'healthAlert', 'message'],
    properties: {
      schema: { const: 'sftunnel-ca/check/v1' },
      source: {
        type: 'object',
        additionalProperties: false,
        properties: { file: { type: 'string' }, fmc: { type: 'string' } },
        minProperties: 1,
      },
      subject: { type: 'string' },
      notAfter: { type: 'string', format: 'date-time' },
      checkedAt: { type: 'string', format: 'date-time' },
      verdict: { enum: ['valid', 'expiring', 'expired'] },
      days: { type: 'integer', minimum: 0 },
      healthAlert: { enum: ['none', 'warning', 'error'] },
      message: { type: 'string' },
    },
  },
  'sftunnel-ca/diagnose/v1': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'sftunnel-ca/diagnose/v1',
    type: 'object',
    additionalProperties: false,
    required: ['schema', 'files', 'findings', 'causes'],
    properties: {
      schema: { const: 'sftunnel-ca/diagnose/v1' },
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
  },
  'sftunnel-ca/lab/v1': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'sftunnel-ca/lab/v1',
    type: 'object',
    required: ['schema', 'pid', 'startedAt', 'stateDir', 'fmc', 'devices', 'files'],
    properties: {
      schema: { const: 'sftunnel-ca/lab/v1' },
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
  },
  'sftunnel-ca/lab-status/v1': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'sftunnel-ca/lab-status/v1',
    type: 'object',
    required: ['schema', 'up'],
    properties: {
      schema: { const: 'sftunnel-ca/lab-status/v1' },
      up: { type: 'boolean' },
      pid: { type: 'integer' },
      stateDir: { type: 'string' },
      fmc: { $ref: '#/$defs/appliance' },
      devices: { type: 'array', items: { $ref: '#/$defs/appliance' } },
    },
    $defs: { appliance: APPLIANCE },
  },
  'sftunnel-ca/error/v1': {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'sftunnel-ca/error/v1',
    type: 'object',
    required: ['schema', 'error'],
    properties: {
      schema: { const: 'sftunnel-ca/error/v1' },
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
  },
} as const;

/** The id of a document schema, e.g. `sftunnel-ca/check/v1`. */
export type JsonSchemaId = keyof typeof JSON_SCHEMAS;
