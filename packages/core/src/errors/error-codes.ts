// Each package appends its own section; codes are never renamed or reused.
const TABLE = {
  // ── input and PEM ───────────────────────────────────────────────────────
  PEM_INVALID: {
    meaning: 'The input is not PEM, or a PEM block does not hold the DER structure its label names.',
    remedy: 'Pass the file as written by the appliance or by `openssl` (`-----BEGIN …-----` blocks); check that the right file was given.',
  },
  KEY_NOT_RSA: {
    meaning: 'A private or public key is not an RSA key; the appliance uses RSA keys only.',
    remedy: 'Use the RSA key that belongs to the certificate, or let sftunnel-ca generate a new RSA key.',
  },
  KEY_CERT_MISMATCH: {
    meaning: 'A private key does not belong to the certificate it was paired with.',
    remedy: 'Pair each certificate with its own key (sftunnel-cert.pem with sftunnel-key.pem of the same directory); regenerate the pair if the key is lost.',
  },
  NOT_ISSUED_BY_CA: {
    meaning: 'A certificate was not signed by the InternalCA it was checked against (issuer name or signature differ).',
    remedy: 'Check that the certificate and cacert.pem come from the same FMC and the same renewal; re-issue the certificate from the current InternalCA.',
  },
  CERTIFICATE_EXPIRED: {
    meaning: 'A certificate in the chain is past its notAfter at the time of the check.',
    remedy: 'Renew the InternalCA and re-issue the sftunnel certificates now; do not reboot or upgrade anything until every device has the new files.',
  },
  CERTIFICATE_NOT_YET_VALID: {
    meaning: 'A certificate in the chain is before its notBefore at the time of the check (often a clock that lags).',
    remedy: 'Check the clocks of the FMC and the device (NTP); sftunnel-ca backdates notBefore by one day by default.',
  },
  NOT_A_CA: {
    meaning: 'The certificate given as the InternalCA is not a CA certificate (no basicConstraints CA:TRUE or not self-signed).',
    remedy: 'Pass the FMC’s /etc/sf/ca_root/cacert.pem (or the InternalCA certificate from a staged renewal).',
  },
  INVALID_UUID: {
    meaning: 'A value that must be a UUID (FMC or device identity) is not in the 8-4-4-4-12 hexadecimal form.',
    remedy: 'Use the UUID as the FMC shows it (the directory name under /var/sf/peers/ or the CN of the InternalCA).',
  },
  INVALID_ARGUMENT: {
    meaning: 'An option passed to a library function is out of range or of the wrong shape.',
    remedy: 'Read the message for the option and the accepted values, and correct the call.',
  },
  WEAK_SIGNATURE_ALGORITHM: {
    meaning: 'A signature algorithm weaker than SHA-256 was requested; devices reject it with `err 68:CA signature digest algorithm too weak`.',
    remedy: 'Use sha256WithRSAEncryption or stronger (the default).',
  },
  SERIAL_EXHAUSTED: {
    meaning: 'A serial number sequence was asked for a serial it has already handed out or cannot represent.',
    remedy: 'Start a new sequence above the highest serial the InternalCA has issued.',
  },
  // ── pki (more) ──────────────────────────────────────────────────────────
  // ── formats, layout, hotfix ─────────────────────────────────────────────
  SFTUNNEL_CONF_SYNTAX: {
    meaning: 'sftunnel.conf could not be read: a directive is not ended by `;`, a block is not closed, or a `}` or quote stands where it cannot.',
    remedy: 'Open the file at the line and column named, correct it (compare with the `proxyssl { … };` block of a healthy FMC), or restore it from the backup.',
  },
  SFTUNNEL_CONF_NOT_FOUND: {
    meaning: 'A directive or block path (e.g. `proxyssl.proxy_cacert`) does not exist in sftunnel.conf.',
    remedy: 'Check the path against the file; use `add` to create a directive that is not there yet.',
  },
  SFTUNNEL_CONF_UNSAFE_PATH: {
    meaning: 'sftunnel.conf names a live file of the FMC (`proxyssl.proxy_cacert`, `proxy_crl`, `proxy_cert`, `proxy_key`) outside the directories of the layout’s FMC files, or one file for two of them: renewal would write there.',
    remedy: 'Check sftunnel.conf on the FMC. If the appliance really keeps its sftunnel files elsewhere, pass a layout whose `fmc` paths are in those directories.',
  },
  FAILED_PUSH_SYNTAX: {
    meaning: 'A FAILED_PUSH line is not `FTD_UUID FTD_NAME FTD_IP SOURCE_PATH DESTINATION_PATH`, has a malformed UUID or IP address, or contradicts another line for the same device.',
    remedy: 'Use the FAILED_PUSH that generate_certs.pl wrote under /var/tmp/certs/<unix-time>/, unedited; correct or remove the line named.',
  },
  FAILED_PUSH_UNSAFE_PATH: {
    meaning: 'A FAILED_PUSH path is relative, contains `..`, or its destination is not /var/sf/peers/<FMC-UUID>/cacert.pem, sftunnel-cert.pem or sftunnel-key.pem; such a line is never acted on.',
    remedy: 'Treat the file as tampered with or corrupt: regenerate it with generate_certs.pl, or list the devices in a devices.csv instead.',
  },
  DEVICES_CSV_SYNTAX: {
    meaning: 'devices.csv is not valid CSV (e.g. an unclosed quote), has more columns than known, an unknown header, or a first row that is not an FMC in a jump-server run.',
    remedy: 'Write one device per line as `name,ip,admin user,password` (optionally port, key file, jump host, role), quoting fields that contain commas.',
  },
  DEVICES_CSV_MISSING_COLUMN: {
    meaning: 'A devices.csv row lacks a required column (name, ip, admin user or password) or leaves name, ip or user empty.',
    remedy: 'Complete the row named; leave the password empty (but present) to use an SSH agent, a key file or a prompt.',
  },
  DEVICES_CSV_INVALID_VALUE: {
    meaning: 'A devices.csv cell has a value of the wrong shape: an address that is not an IP address or host name, an address that holds a password (the row\'s password cell, or the value of an `env:` or `file:` reference: cells shifted), a port outside 1–65535, or a role other than fmc, ftd or ha-peer.',
    remedy: 'Correct the cell at the line and column named.',
  },
  SECRET_REFERENCE_UNRESOLVED: {
    meaning: 'A password given as `env:VAR` or `file:PATH` could not be read: the variable is unset or the file is missing or unreadable.',
    remedy: 'Export the variable or create the file (mode 0600) before the run, or give the password another way.',
  },
  COPY_LOG_SYNTAX: {
    meaning: 'A copy_sftunnel_certs.py log line is not `YYYY-MM-DD HH:MM:SS - <message>` with a known message, or a device section does not start with `Attempting connection to`.',
    remedy: 'Pass the log as the copy script printed it, unedited.',
  },
  VERSION_INVALID: {
    meaning: 'An FMC version is not of the form `7.2.5`, `7.2.5.1` or `7.4.2-172`.',
    remedy: 'Pass the version as `show version` or the About page prints it.',
  },
  // ── transport ───────────────────────────────────────────────────────────
  CONNECT_TIMEOUT: {
    meaning: 'The SSH connection (TCP, key exchange or login) did not complete within the connect timeout.',
    remedy: 'Check that the appliance is up and reachable on its SSH port from here (or through the jump host); raise the connect timeout for slow links.',
  },
  CONNECT_REFUSED: {
    meaning: 'The appliance (or a jump host) refused the TCP connection or could not be resolved or routed to.',
    remedy: 'Check the address and port and that sshd runs on the appliance; check firewalls between here and the appliance.',
  },
  AUTH_FAILED: {
    meaning: 'The SSH server rejected every authentication method offered (password, keyboard-interactive, key, agent).',
    remedy: 'Check the user name and the password or key for that appliance; an account may also be locked after repeated failures.',
  },
  HOST_KEY_UNKNOWN: {
    meaning: 'The host key of the appliance is neither in known_hosts nor pinned, and strict checking refuses unknown hosts.',
    remedy: 'Verify the fingerprint out of band, then add it to known_hosts or pin it; or choose host key policy `accept-new` to record it on first use.',
  },
  HOST_KEY_MISMATCH: {
    meaning: 'The appliance presented a host key that differs from the one recorded or pinned for it (or one marked @revoked).',
    remedy: 'Treat as a possible attack until explained: confirm the appliance was reinstalled or re-keyed, verify the new fingerprint out of band, then update known_hosts.',
  },
  ESCALATION_FAILED: {
    meaning: 'The session would not be root, whatever the strategy (CLI → expert → sudo, sudo from a bash landing, or exec whose `id -u` is not 0): wrong sudo password, expert not permitted, sudo refused, a forced password change, a first-login EULA or a pager, or an unknown prompt (the message names the state and the last line seen).',
    remedy: 'Check that the user has Config privilege (needed for `expert`) and that the sudo password is right; log in by hand once to clear a pending password change or EULA; for `direct`, log in as root or use passwordless sudo; adjust the prompt patterns or timeouts if the appliance shows others.',
  },
  COMMAND_FAILED: {
    meaning: 'A command run on the appliance as part of an operation exited with a non-zero status.',
    remedy: 'Read the command’s output in the message; run it by hand on the appliance to see why.',
  },
  DISK_FULL: {
    meaning: 'The file system holding the target has no space left; the target was left as it was.',
    remedy: 'Free space on the appliance (old logs, old backups under /var/tmp) and run again.',
  },
  PERMISSION_DENIED: {
    meaning: 'The effective user on the appliance may not read or write the path (or may not change its owner).',
    remedy: 'Use a root shell (strategy `expert`, or `direct` with sudo) or an account that owns the files.',
  },
  CONNECTION_LOST: {
    meaning: 'The SSH connection closed or stopped answering during an operation.',
    remedy: 'Check the network and the appliance; the operation can be run again: a target is never left half-written.',
  },
  FILE_NOT_FOUND: {
    meaning: 'A file or directory the operation needs does not exist on the appliance.',
    remedy: 'Check the path (paths are configurable per appliance layout) and that the previous step ran.',
  },
  OPERATION_TIMEOUT: {
    meaning: 'An operation on a connected appliance did not finish within its deadline.',
    remedy: 'Raise the operation timeout for slow appliances, or check the appliance’s load; the connection was closed.',
  },
  OPERATION_ABORTED: {
    meaning: 'The operation was cancelled through its AbortSignal.',
    remedy: 'None needed if the cancellation was intended; run the operation again otherwise.',
  },
  INTEGRITY_MISMATCH: {
    meaning: 'A file transferred to or from the appliance did not have the expected sha256 on arrival; nothing was replaced.',
    remedy: 'Run again; if it persists, check the appliance’s disk and the shell (a login banner or paging may corrupt output).',
  },
  KNOWN_HOSTS_INVALID: {
    meaning: 'A known_hosts line or a pinned fingerprint could not be parsed.',
    remedy: 'Fix the line named in the message (OpenSSH known_hosts format), or pin fingerprints as `SHA256:<base64>`.',
  },
  HOST_CLOSED: {
    meaning: 'An operation was called on a host after close().',
    remedy: 'Open a new connection for further work.',
  },
  // ── lab ─────────────────────────────────────────────────────────────────
  LAB_ADDRESS_IN_USE: {
    meaning: 'The lab could not bind its appliances’ loopback addresses (sftunnel port 8305 or SSH) because other listeners hold them.',
    remedy: 'Stop the other lab (or process) using those addresses, or pass `addressBlock` to start the lab on another 127.<block>.0.0/16 block.',
  },
  LAB_UNKNOWN_APPLIANCE: {
    meaning: 'A lab call named an appliance (FMC or FTD) that the lab does not have.',
    remedy: 'Use a name from `lab.appliances` (the names given in `devices`, or the generated `FTD-0001`…, `FMCpri`, `FMCsec`).',
  },
  // ── renewal ─────────────────────────────────────────────────────────────
  RENEWAL_FMC_INCOMPLETE: {
    meaning: 'The FMC lacks a file renewal needs (sftunnel.conf, the InternalCA, the FMC’s own certificate or key), or sftunnel.conf does not name the live paths in its proxyssl block.',
    remedy: 'Check the FMC named (and the layout if its paths differ from the vendor’s); restore the missing file from the FMC backup before renewing.',
  },
  RENEWAL_DEVICE_UNKNOWN: {
    meaning: 'A device the FMC manages has no name or address: no sftunnel.json in its peer directory and no entry in the inventory given.',
    remedy: 'Pass an inventory (UUID → name and address) to the plan, e.g. from the devices.csv or the FMC’s device list.',
  },
  RENEWAL_PREPARED_STALE: {
    meaning: 'A prepared (staged) renewal no longer matches the FMC: its InternalCA changed since, or devices were added or removed.',
    remedy: 'Prepare again (a new staging directory is made); the old staging directory can be deleted.',
  },
  RENEWAL_STAGING_CORRUPT: {
    meaning: 'A file in the staging directory on the FMC is missing, or its sha256 differs from the one recorded when it was prepared.',
    remedy: 'Treat the staging directory as damaged: prepare again rather than deliver from it.',
  },
  RESTART_FAILED: {
    meaning: '`pmtool restartbyid sftunnel` exited with a non-zero status on the appliance named.',
    remedy: 'Run `pmtool status` on the appliance; once the process manager answers, run the renewal again (delivered files are kept) or restart sftunnel by hand.',
  },
  TUNNEL_NOT_UP: {
    meaning: 'After the new files were delivered and sftunnel restarted, the FMC does not show the device’s tunnel as up.',
    remedy: 'Run `sftunnel_status.pl <device address>` on the FMC and read the device’s messages log (`sftunnel-ca diagnose`); run the renewal again for that device.',
  },
  DEVICE_DEADLINE_EXCEEDED: {
    meaning: 'A device did not finish its renewal steps within the per-device deadline; its connection was closed and it is listed in FAILED_PUSH.',
    remedy: 'Check the device’s load and link; raise the per-device deadline, then run the renewal again (a copy run) for the devices listed.',
  },
  RENEWAL_STOPPED: {
    meaning: 'The run stopped starting devices: a canary failed or the failure budget (maxFailures) was used up; the devices not started are unchanged.',
    remedy: 'Read the cause codes of the failed devices, fix them, then resume the run from its journal.',
  },
  DEVICE_RESTORE_FAILED: {
    meaning: 'A device’s delivery failed after its live files began to change, and putting its previous three files back failed too: it may hold a mix of old and new files.',
    remedy: 'Check the three files in the device’s peer directory against their `*.backup` copies by hand, restore them (or copy the new set), then run the renewal again for that device.',
  },
  DEVICE_PATH_SYMLINK: {
    meaning: 'A level of a path about to be written on an appliance (a directory on the way or the file itself, e.g. the peer directory or sftunnel-key.pem) is a symbolic link: nothing was written through it, and the appliance’s files were left (or put back) as they were.',
    remedy: 'Find out who made the link and why (`ls -l` along the path named); replace it with the real directory or file, then run the renewal again (a copy run) for that appliance.',
  },
  TLS_PROBE_FAILED: {
    meaning: 'The live TLS probe of verify could not complete a TLS 1.2 handshake with the device’s sftunnel port using the FMC’s new certificate and key, verified against the new InternalCA.',
    remedy: 'Read the TLS error in the message; check that the device holds the new files and that its sftunnel restarted (`pmtool restartbyid sftunnel`), then run verify again.',
  },
  VENDOR_GENERATOR_UNAVAILABLE: {
    meaning: 'The vendor’s generator was asked for (`--generator vendor`), but the FMC has no fixed generate_certs.pl: its root shell does not find the script, or its release line has no fixed hotfix (7.1.x, 6.x). Nothing was changed.',
    remedy: 'Install the fixed hotfix the message names (no FMC reboot needed), or renew with sftunnel-ca’s own generator (`--generator own`, the default).',
  },
  VENDOR_GENERATOR_REFUSED: {
    meaning: 'generate_certs.pl refused to run before asking its first question: a critical task is under way on the FMC (smart licensing registration, backup/restore, rule or VDB update, domain task, HA task, upgrade). The script changed nothing.',
    remedy: 'Wait until the task the message quotes has completed (the FMC’s task status), then run the renewal again.',
  },
  VENDOR_GENERATOR_FAILED: {
    meaning: 'generate_certs.pl did not complete, or the set it left on the FMC is not a renewal sftunnel-ca can deliver (the InternalCA unchanged, its key not at the layout’s `fmc.caKey`, a certificate not issued by the new CA or not matching its key). The FMC may have switched already; its previous files are kept as `*.backup`.',
    remedy: 'Read the message and /var/log/sf/sfca_generation.log on the FMC; point the layout at the files the script writes if they are elsewhere, then run the renewal again, or roll back from the backups.',
  },
  VENDOR_BACKUP_FAILED: {
    meaning: 'Before running generate_certs.pl, which pushes to every device whose tunnel is up without keeping a backup there, the files of such a device could not be backed up over SSH. The FMC was not changed.',
    remedy: 'Make the devices named reachable as root (or fix their credentials) and run the renewal again, or renew with sftunnel-ca’s own generator, which backs up each device as it delivers.',
  },
  PREFLIGHT_REFUSED: {
    meaning: 'A renewal was asked to run although its preflight report has a failed probe (a critical task, an unreachable device, a clock skew, a full disk…); nothing was changed.',
    remedy: 'Read each failed probe’s remedy in the report, fix it (or pass `allowUnreachable` for devices left to the copy step) and run the preflight again.',
  },
  JOURNAL_INVALID: {
    meaning: 'The renewal journal on the operator’s machine cannot be read or written (a directory, a missing directory, not a file), is damaged (a line that is no journal entry, no start entry), belongs to another staging directory, is owned by another user, or is not private (mode looser than 0600).',
    remedy: 'Pass the journal written by the run you resume, unedited, owned by you and with mode 0600; start a new journal (a new --journal path in an existing directory) for a new run.',
  },
  FMC_CA_KEY_MISSING: {
    meaning: 'The InternalCA’s private key is not where the layout says (`fmc.caKey`, default /etc/sf/ca_root/cakey.pem): a renewal could not install the new CA’s key where the FMC signs with it.',
    remedy: 'Point the layout at the file that holds the key (`fmc.caKey`; `--ca-key PATH` on the command line): a renewal installs the new CA’s key there, and a rollback puts the old one back.',
  },
  FMC_CA_KEY_MISMATCH: {
    meaning: 'The file at the layout’s `fmc.caKey` is not the key of the live InternalCA (another key, or not a key): devices the FMC registers would get certificates its CA does not verify.',
    remedy: 'Point `fmc.caKey` (`--ca-key PATH`) at the key of the live CA; if a renewal left an older key there, restore the matching key from its backup (`cakey.pem.backup`) first.',
  },
  RENEWAL_COVERAGE_INCOMPLETE: {
    meaning: 'A run would switch the FMC to the new InternalCA while some devices it manages get no new files: they would drop at their next reconnect and could not come back.',
    remedy: 'Add the devices named to the inventory, or name them with `--leave-out` (`leaveOut`) to leave them out on purpose: they are then listed in FAILED_PUSH with their staged files, for a copy run.',
  },
  DEVICE_LEFT_OUT: {
    meaning: 'The operator left this device out of the run on purpose (`--leave-out`): it got no new files, is listed in FAILED_PUSH, and drops at its next reconnect once the FMC has switched, until it is copied.',
    remedy: 'Copy its files as soon as it can be reached: `sftunnel-ca copy --failed-push <staging>/FAILED_PUSH …`.',
  },
  ROLLBACK_WOULD_STRAND: {
    meaning: 'A rollback of some devices only was asked after the FMC switched to the new InternalCA: those devices would hold the old CA while the FMC holds the new one, and drop at their next restart.',
    remedy: 'Roll back the whole fleet with the FMC (no device named), or pass `--force` (`force`) if you really want those devices on the old CA, and copy them the new files again soon.',
  },
  ROLLBACK_STALE: {
    meaning: 'The live files are no longer what the run being rolled back wrote (a later renewal, a copy or a hand edit changed them since), or a backup no longer holds what the run recorded: restoring would not put back that run’s previous generation. Nothing was changed.',
    remedy: 'Roll back the later run first (its own journal), or restore by hand from the backups the journal lists after checking their sha256.',
  },
  // ── cli ─────────────────────────────────────────────────────────────────
  UNEXPECTED_ERROR: {
    meaning: 'The command met an error that is none of these codes: a bug in sftunnel-ca (the `sftunnel-ca` command prints it with this code and exits 8).',
    remedy: 'Run the same command again with --debug to see the stack, and report it with that output (it holds no secret).',
  },
  RUN_INTERRUPTED: {
    meaning: 'The operator interrupted a fleet run (Ctrl-C, SIGINT): no further device was started and the devices in flight finished; the FMC was not switched if it had not been.',
    remedy: 'Run the resume command sftunnel-ca printed (the same command with --staging and --journal): the journal skips what is done.',
  },
  CLI_USAGE: {
    meaning: 'The command line, or a file it names, cannot be used as given: an unknown option or value, options that do not go together, a file that is missing, a directory, too large or readable by others, or rows that match no device of the FMC. Nothing was changed (the `sftunnel-ca` command exits 2).',
    remedy: 'Read the message: it names the option or file and what to pass instead; `sftunnel-ca <command> --help` lists the options with examples.',
  },
  INPUT_ENCODING_UNSUPPORTED: {
    meaning: 'An input file (an inventory) is not UTF-8: UTF-16 or UTF-32 (told by its byte order mark, or by NUL bytes), or an 8-bit encoding such as Latin-1 or Windows-1252. It is refused rather than misread (the `sftunnel-ca` command exits 2).',
    remedy: 'Save the file as UTF-8 (a spreadsheet’s “CSV UTF-8”), or convert it with the `iconv -f <encoding> -t UTF-8` command the message gives.',
  },
  JOURNAL_OTHER_FMC: {
    meaning: 'The journal given (`--journal`) records a run on another FMC: its start entry names another FMC UUID than the FMC connected to, so resuming or rolling back from it would act on the wrong appliance. Nothing was changed (the `sftunnel-ca` command exits 2).',
    remedy: 'Pass the journal of a run on this FMC (the default journals are named after the FMC UUID under ~/.local/state/sftunnel-ca/journals), or a new --journal path to start a new run.',
  },
  INVENTORY_INVALID: {
    meaning: 'A YAML or JSON inventory cannot be read or does not match its schema: a missing or mistyped field, an unknown key, a duplicate device, a password written inline, an address that is neither an IP address nor a host name or that holds a password (the value of an `env:` or `file:` reference), or a control character in a printed field.',
    remedy: 'Correct the field at the file and line named (see sftunnel-ca copy --help for the schema); give passwords only as env:VAR or file:PATH, or leave them out to be asked.',
  },
  DEVICE_CREDENTIALS_MISSING: {
    meaning: 'A device of the inventory has no password, key file or ssh-agent to log in with, and there is no terminal to ask for its password.',
    remedy: 'Fill its password cell with env:VAR or file:PATH (mode 0600), give it a key file, start ssh-agent, or run on a terminal to be asked (no echo).',
  },
  PLAN_MISMATCH: {
    meaning: 'The FMC no longer matches the approved plan file given to `renew --plan`: a device was added or removed, a certificate, the InternalCA or its key changed, or the devices the inventory covers differ. Nothing was changed.',
    remedy: 'Read the differences printed, make a new plan with `plan --out` and have it approved, then run `renew --plan` with it.',
  },
  // ── exporter ────────────────────────────────────────────────────────────
  EXPORTER_CONFIG_INVALID: {
    meaning: 'The exporter configuration (YAML or JSON) cannot be read or does not match its schema: a missing or mistyped field, an unknown key, a duplicate FMC name, or a password written inline.',
    remedy: 'Correct the field named in the message (see the exporter README for the schema); give passwords only as `env:VAR` or `file:PATH` references.',
  },
  EXPORTER_SECRET_FILE_EXPOSED: {
    meaning: 'A password, key or passphrase file named in the exporter configuration can be read by users other than its owner.',
    remedy: 'Run `chmod 600` on the file named (and keep it owned by the user the exporter runs as).',
  },
  EXPORTER_COLLECT_DEADLINE: {
    meaning: 'Reading an FMC (connecting, inspecting, asking for tunnel status) did not finish within the collection deadline; its metrics keep their last values.',
    remedy: 'Check that the FMC answers over SSH; raise `deadlineSeconds` for a large or slow FMC (it must stay below the interval).',
  },
  EXPORTER_LISTEN_FAILED: {
    meaning: 'The exporter could not listen on the address and port asked for (in use, not permitted, or not an address of this machine).',
    remedy: 'Choose another `listen` address or port, or stop the process that holds it; ports below 1024 need privileges.',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

/** What an error code means and what to do about it. */
export interface ErrorCodeEntry {
  /** What went wrong, in a sentence. */
  readonly meaning: string;
  /** What the user should do, in a sentence. */
  readonly remedy: string;
}

/** A stable error code: one of the keys of {@link ERROR_CODES}. */
export type SftunnelCaErrorCode = keyof typeof TABLE;

/**
 * The table of every error code sftunnel-ca throws, with what it means and what to do.
 *
 * The code statically and permanently identifies the error; the message may change.
 * `docs/errors.md` is generated from this table and a test keeps the two in step.
 */
export const ERROR_CODES: Readonly<Record<SftunnelCaErrorCode, ErrorCodeEntry>> = TABLE;
