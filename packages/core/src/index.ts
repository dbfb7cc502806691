/**
 * `@sftunnel-ca/core` — the domain of sftunnel-ca: InternalCA and sftunnel certificates,
 * the vendor's file formats and the appliance layout, and the renewal engine. No network
 * code: appliances are reached through the {@link Host} interface.
 *
 * @packageDocumentation
 */

// ── errors ───────────────────────────────────────────────────────────────
export { ERROR_CODES, type SftunnelCaErrorCode, type ErrorCodeEntry } from './errors/error-codes.js';
export {
  SftunnelCaError,
  isSftunnelCaError,
  type ErrorLocation,
  type SftunnelCaErrorOptions,
} from './errors/sftunnel-ca-error.js';

// ── host ─────────────────────────────────────────────────────────────────
export type {
  Host,
  HostOperationOptions,
  RunOptions,
  CommandResult,
  WriteFileAtomicOptions,
  WriteFileAtomicResult,
  FileStat,
} from './host/host.js';
export { shellWord } from './host/shell-word.js';
export { refuseSymlinksCommand, symlinkRefusal } from './host/symlink-guard.js';

// ── identity ─────────────────────────────────────────────────────────────
export { isUuid } from './identity/uuid.js';

// ── pki ──────────────────────────────────────────────────────────────────
export { type CryptoProvider, type CryptoKey, nativeCrypto } from './pki/crypto-provider.js';
export {
  generateRsaKeyPair,
  importRsaPrivateKey,
  exportRsaPrivateKeyPem,
  privateKeyPemForm,
  type PrivateKeyPemForm,
  type RsaKeyPair,
  type ImportedRsaKey,
  type GenerateRsaKeyPairParams,
} from './pki/rsa-key.js';
export type { SignatureHash } from './pki/signature-hash.js';
export { onelineName } from './pki/distinguished-name.js';
export { Certificate } from './pki/certificate.js';
export { SerialNumberSequence } from './pki/serial-number-sequence.js';
export { InternalCA, type InternalCAFromPemOptions } from './pki/internal-ca.js';
export {
  createInternalCA,
  renewInternalCA,
  type CreateInternalCAParams,
  type RenewInternalCAParams,
  type InternalCAValidityParams,
} from './pki/internal-ca-generator.js';
export {
  issueSftunnelCertificate,
  reissueSftunnelCertificate,
  type IssuedCertificate,
  type SftunnelCertificateParams,
  type IssueSftunnelCertificateParams,
  type ReissueSftunnelCertificateParams,
} from './pki/sftunnel-certificate.js';
export {
  CertificateRevocationList,
  createCertificateRevocationList,
  type CreateCertificateRevocationListParams,
  type RevokedCertificate,
} from './pki/certificate-revocation-list.js';
export { verifyIssuedBy, type VerifyIssuedByOptions } from './pki/chain-verification.js';
export { keyMatchesCertificate, assertKeyMatchesCertificate } from './pki/key-certificate-match.js';
export {
  EXPIRY_VERDICT_KINDS,
  expiryVerdict,
  formatVendorExpiryCheck,
  type ExpiryVerdict,
  type ExpiryVerdictKind,
  type HealthAlertLevel,
} from './pki/expiry-verdict.js';

// ── formats, layout, hotfix ──────────────────────────────────────────────
export {
  SftunnelConf,
  type SftunnelConfNode,
  type SftunnelConfDirective,
  type SftunnelConfBlock,
  type SftunnelConfComment,
  type SftunnelConfBlankLine,
  type SftunnelConfSpan,
  type SftunnelConfPath,
  type SftunnelConfParseOptions,
} from './formats/sftunnel-conf.js';
export {
  parseFailedPush,
  formatFailedPush,
  findNewestFailedPush,
  type FailedPush,
  type FailedPushRecord,
  type FailedPushEntry,
  type FailedPushDevice,
  type FailedPushLocation,
  type ParseFailedPushOptions,
  type PeerFileRole,
} from './formats/failed-push.js';
export {
  parseGenerateCertsOutput,
  formatGenerateCertsFailures,
  type GenerateCertsOutput,
  type GenerateCertsFailuresParams,
  type FailedPushNotice,
  type FailedPushNoticeLine,
} from './formats/generate-certs-output.js';
export { Secret } from './secrets/secret.js';
export { DevicePassword, type DevicePasswordKind, type SecretSources } from './formats/device-password.js';
export {
  parseDevicesCsv,
  formatDevicesCsv,
  type DeviceRow,
  type DeviceRole,
  type ParseDevicesCsvOptions,
} from './formats/devices-csv.js';
export { deviceRowProblem, type DeviceRowProblem, type PrintedDeviceField, type PrintedDeviceFields } from './formats/device-row-rule.js';
export { formatCopyLog, parseCopyLog, type CopyLogRecord, type CopyLogEvent, type CopyLogEventKind, type CopyLogOptions } from './formats/copy-log.js';
export {
  diagnoseMessages,
  MESSAGES_ACTIONS,
  type MessagesFinding,
  type MessagesCause,
  type DiagnoseMessagesOptions,
} from './formats/messages-log.js';
export {
  parseSftunnelStatus,
  formatSftunnelStatus,
  createSftunnelStatusPeer,
  type SftunnelStatusPeer,
  type SftunnelStatusPeerParams,
  type SftunnelStatusChannel,
  type SftunnelStatusConnection,
  type SftunnelPeerState,
} from './formats/sftunnel-status.js';
export {
  DEFAULT_APPLIANCE_LAYOUT,
  defineApplianceLayout,
  ftdPeerFiles,
  fmcHaPeerFiles,
  fmcPushedFiles,
  failedPushPath,
  type ApplianceLayout,
  type ApplianceLayoutOverrides,
  type FmcLayout,
  type FtdLayout,
  type PeerFileNames,
  type FtdPeerFiles,
  type FmcPushedFiles,
} from './layout/appliance-layout.js';
export type { FmcVersion } from './hotfix/fmc-version.js';
export { fixedHotfixFor, type FixedHotfixVerdict, type FixedHotfixKind } from './hotfix/fixed-hotfix.js';

// ── renewal ──────────────────────────────────────────────────────────────
export {
  inspectFmc,
  type InspectFmcOptions,
  type FmcInspection,
  type FmcLivePaths,
  type InspectedCaKey,
  type InspectedCertificate,
  type InspectedDevice,
} from './renewal/inspect.js';
export type { CertificateSummary } from './renewal/certificate-summary.js';
export {
  planRenewal,
  formatRenewalPlan,
  type PlanRenewalOptions,
  type RenewalPlan,
  type PlannedDevice,
  type PlannedFile,
  type DeviceIdentity,
} from './renewal/plan.js';
export { assertPlanCoverage, fmcSwitchPending } from './renewal/coverage.js';
export { deviceOfRow, matchInventoryRows, type InventoryMatch, type MatchableDevice } from './renewal/inventory-match.js';
export { renewalDiff, formatRenewalDiff, type RenewalDiff, type DeviceDiff, type CertificateChange } from './renewal/renewal-diff.js';
export { prepareRenewal, type PrepareRenewalOptions } from './renewal/prepare.js';
export { loadPreparedRenewal, type PreparedRenewal, type StagedFile, type StagedCertificate } from './renewal/prepared-manifest.js';
export { deliverRenewal, type DeliverRenewalOptions } from './renewal/deliver.js';
export { renewFleet, type RenewFleetOptions } from './renewal/renew-fleet.js';
export {
  probeVendorGenerator,
  chooseRenewalGenerator,
  formatRenewalGeneratorChoice,
  renewalGeneratorProbe,
  type RenewalGenerator,
  type RenewalGeneratorChoice,
  type VendorGeneratorProbe,
  type ProbeVendorGeneratorOptions,
} from './renewal/vendor-generator.js';
export { renewWithVendorGenerator, type VendorRenewalOptions } from './renewal/vendor-renewal.js';
export type { RenewalPhase, PhaseSpan } from './renewal/run-timeline.js';
export { SFTUNNEL_PORT, type SftunnelTlsProbe, type SftunnelTlsProbeTarget } from './renewal/sftunnel-tls-probe.js';
/** The copy step from a jump server (`copy_sftunnel_certs_jumpserver.py devices.csv`): see {@link copyFromDevicesCsv}. */
export {
  copyFromDevicesCsv,
  type CopyFromDevicesCsvOptions,
  type DevicesCsvCopyOutcome,
  type DevicesCsvCopyRecord,
  type DevicesCsvCopyResult,
} from './renewal/copy-from-devices-csv.js';
export type { DeviceRunOptions, FleetRunLimits } from './renewal/device-run.js';
export { SFTUNNEL_RESTART_COMMAND } from './renewal/sftunnel-control.js';
export { rollbackRenewal, type RollbackRenewalOptions } from './renewal/rollback.js';
export { RenewalJournal, type JournalEntry, type JournalRun, type ReplacedFile } from './renewal/journal.js';
export type {
  RenewalResult,
  DeviceResult,
  DeviceOutcome,
  DeviceStep,
  DeviceFingerprints,
} from './renewal/renewal-result.js';
export type {
  RenewalEvent,
  RenewalReporter,
  RunStartEvent,
  PrepareProgressEvent,
  DeviceStepEvent,
  DeviceDoneEvent,
  FmcSwitchEvent,
  RunDoneEvent,
} from './renewal/renewal-event.js';

// ── preflight ────────────────────────────────────────────────────────────
export type {
  PreflightVerdict,
  ProbeOutcome,
  PreflightContext,
  DevicePreflightContext,
  FmcPreflightProbe,
  DevicePreflightProbe,
  PreflightProbe,
} from './preflight/preflight-probe.js';
export type { PreflightFinding, PreflightReport } from './preflight/preflight-report.js';
export { preflightRenewal, assertPreflightPassed, preflightUnreachable, defaultPreflightProbes, type PreflightRenewalOptions } from './preflight/preflight-renewal.js';

// ── probe ────────────────────────────────────────────────────────────────
export {
  probeAppliance,
  type ProbeApplianceParams,
  type ApplianceProbeReport,
  type ProbedPath,
  type ProbedDisk,
  type ProbedTunnel,
} from './probe/probe-appliance.js';
export { PROBED_COMMANDS, type ProbedCommand } from './probe/appliance-readings.js';
