import { readFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Certificate, SFTUNNEL_PORT, isSftunnelCaError, onelineName, verifyIssuedBy } from '@sftunnel-ca/core';
import type { LabClock } from './lab-clock.js';
import { attemptLines, deviceRejectedLines, managerRejectedLines, refusalLines, type SftunnelLog, type VerifyFailure } from './sftunnel-log.js';

/** Whether a tunnel is up. */
export type TunnelState = 'connected' | 'disconnected';

/** Why the last connection attempt of a tunnel failed. */
export interface TunnelError {
  /** The side that refused or failed: the device, or its manager (the FMC). */
  readonly side: 'device' | 'manager';
  /** `CERTIFICATE_EXPIRED`, `CERTIFICATE_NOT_YET_VALID`, `NOT_ISSUED_BY_CA`, `FILES_INVALID`, `CONNECT_FAILED` or `TLS_FAILED`. */
  readonly code: string;
  /** What happened, in the words of the side's log. */
  readonly message: string;
}

/** The state of the tunnel between one device and one FMC. */
export interface TunnelStatus {
  readonly device: string;
  readonly manager: string;
  readonly deviceAddress: string;
  readonly managerAddress: string;
  readonly state: TunnelState;
  /** Since when it is up (lab time). */
  readonly connectedSince: Date | undefined;
  /** The last connection attempt (lab time). */
  readonly lastAttempt: Date | undefined;
  /** When it last went down (lab time). */
  readonly lastDisconnect: Date | undefined;
  readonly lastDisconnectReason: string | undefined;
  /** Why the last attempt failed, when it did. */
  readonly lastError: TunnelError | undefined;
}

/** The files one side of a tunnel uses (paths on disk). */
export interface TunnelFiles {
  readonly caCertificate: string;
  readonly certificate: string;
  readonly key: string;
}

/** One side of the emulator: an appliance's address, files and log. */
export interface TunnelEndpoint {
  readonly name: string;
  readonly address: string;
  readonly log: SftunnelLog;
}

interface LoadedFiles {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

type Verdict = { readonly ok: true } | { readonly ok: false; readonly failure: VerifyFailure | undefined; readonly message: string };

interface PendingHandshake {
  readonly at: Date;
  readonly verdict: Promise<Verdict>;
  resolve(verdict: Verdict): void;
  socket?: tls.TLSSocket;
}

interface Manager extends TunnelEndpoint {
  readonly files: TunnelFiles;
  readonly server: tls.Server;
  readonly sockets: Set<tls.TLSSocket>;
  readonly pending: Map<string, PendingHandshake>;
  contextKey: string;
  loaded: LoadedFiles | undefined;
}

interface Tunnel {
  readonly device: TunnelEndpoint;
  readonly files: TunnelFiles;
  readonly manager: Manager;
  status: TunnelStatus;
  client: tls.TLSSocket | undefined;
  serverSide: tls.TLSSocket | undefined;
  queue: Promise<unknown>;
  /** The secure context made from the files last read, reused while they do not change. */
  context: { readonly key: string; readonly context: tls.SecureContext } | undefined;
}

/** The reason `sftunnel_status.pl` gives for a tunnel that went down. */
export const DISCONNECT_REASON = 'Both control and event channel connections with peer went down';
/** OpenSSL's verdicts the lab overrides: it checks validity at the lab clock instead. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CRL_HAS_EXPIRED', 'CRL_NOT_YET_VALID']);
const OPENSSL_ERRORS: Readonly<Record<string, [number, string]>> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: [20, 'unable to get local issuer certificate'],
  UNABLE_TO_GET_ISSUER_CERT: [2, 'unable to get issuer certificate'],
  CERT_SIGNATURE_FAILURE: [7, 'certificate signature failure'],
  DEPTH_ZERO_SELF_SIGNED_CERT: [18, 'self signed certificate'],
  SELF_SIGNED_CERT_IN_CHAIN: [19, 'self signed certificate in certificate chain'],
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: [21, 'unable to verify the first certificate'],
  CA_MD_TOO_WEAK: [68, 'CA signature digest algorithm too weak'],
};

/** Parsed certificates by their text: parsing (ASN.1 in JavaScript) would dominate a fleet's handshakes. */
const parsed = new Map<string, Certificate>();

function cachedCertificate(key: string, parse: () => Certificate): Certificate {
  let certificate = parsed.get(key);
  if (certificate === undefined) {
    if (parsed.size >= 4096) parsed.clear();
    certificate = parse();
    parsed.set(key, certificate);
  }
  return certificate;
}

function oneline(der: Uint8Array): string {
  return onelineName(der.slice().buffer);
}

/** How one side judges the other's certificate: OpenSSL's verdict (times aside), then core's check at the lab clock. */
async function judge(peerDer: Buffer | undefined, caPem: string, authorizationError: Error | null | undefined, at: Date): Promise<Verdict> {
  if (peerDer === undefined || peerDer.length === 0) return { ok: false, failure: undefined, message: 'peer did not return a certificate' };
  let peer: Certificate;
  let ca: Certificate;
  try {
    peer = cachedCertificate(peerDer.toString('base64'), () => Certificate.fromDer(new Uint8Array(peerDer), 'peer certificate'));
    ca = cachedCertificate(caPem, () => Certificate.fromPem(caPem, 'cacert.pem'));
  } catch (error) {
    return { ok: false, failure: undefined, message: (error as Error).message };
  }
  const code = (authorizationError as (Error & { code?: string }) | null | undefined)?.code ?? (authorizationError === null || authorizationError === undefined ? undefined : String(authorizationError));
  if (code !== undefined && !TIME_ERRORS.has(code)) {
    const [errorNumber, reason] = OPENSSL_ERRORS[code] ?? [20, 'unable to get local issuer certificate'];
    return { ok: false, failure: { depth: 0, errorNumber, reason, issuer: oneline(peer.issuerDer), subject: oneline(peer.subjectDer) }, message: `err ${errorNumber}:${reason}` };
  }
  try {
    await verifyIssuedBy(peer, ca, { now: at });
    return { ok: true };
  } catch (error) {
    const depth = Number(/at depth (\d)/.exec((error as Error).message)?.[1] ?? '0');
    const failing = depth === 1 ? ca : peer;
    const [errorNumber, reason] =
      isSftunnelCaError(error, 'CERTIFICATE_EXPIRED') ? [10, 'certificate has expired']
      : isSftunnelCaError(error, 'CERTIFICATE_NOT_YET_VALID') ? [9, 'certificate is not yet valid']
      : isSftunnelCaError(error, 'NOT_ISSUED_BY_CA') ? [7, 'certificate signature failure']
      : [20, 'unable to get local issuer certificate'];
    return {
      ok: false,
      failure: { depth, errorNumber, reason, issuer: oneline(failing.issuerDer), subject: oneline(failing.subjectDer) },
      message: `err ${errorNumber}:${reason}`,
    };
  }
}

function codeOf(failure: VerifyFailure | undefined): string {
  if (failure === undefined) return 'TLS_FAILED';
  return failure.errorNumber === 10 ? 'CERTIFICATE_EXPIRED' : failure.errorNumber === 9 ? 'CERTIFICATE_NOT_YET_VALID' : 'NOT_ISSUED_BY_CA';
}

async function loadFiles(files: TunnelFiles): Promise<LoadedFiles> {
  const [caPem, certPem, keyPem] = await Promise.all([readFile(files.caCertificate, 'utf8'), readFile(files.certificate, 'utf8'), readFile(files.key, 'utf8')]);
  return { caPem, certPem, keyPem };
}

function secureOptions(files: LoadedFiles): tls.SecureContextOptions {
  return { key: files.keyPem, cert: files.certPem, ca: [files.caPem], minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' };
}

/**
 * The sftunnel emulator: each FMC listens on `<address>:8305` (TLS 1.2, client certificate
 * required) and each device holds a real, mutually authenticated TLS connection to it, made with
 * the files on both disks at the moment of connecting. OpenSSL does the handshake; validity is
 * judged at the lab clock with core's `verifyIssuedBy`, because OpenSSL's clock cannot be moved.
 * A refused handshake writes the seed's lines to both sides' messages logs. A tunnel that drops
 * stays down until it is restarted (`pmtool restartbyid sftunnel`).
 */
export class SftunnelEmulator {
  readonly #clock: LabClock;
  readonly #managers = new Map<string, Manager>();
  readonly #tunnels = new Map<string, Tunnel[]>();
  /**
   * Each device's own listener on `<address>:8305`, answering with the files its sftunnel loaded
   * last (what a live TLS probe talks to), and those files' text: a restart with the same files
   * keeps the listener's secure context.
   */
  readonly #deviceServers = new Map<string, { readonly server: tls.Server; files: string }>();
  #stopped = false;

  /** @param clock - the lab clock */
  constructor(clock: LabClock) {
    this.#clock = clock;
  }

  /**
   * Starts an FMC's listener on `<address>:8305` with its files.
   *
   * @throws the listen error (e.g. `EADDRINUSE`)
   */
  async addManager(endpoint: TunnelEndpoint, files: TunnelFiles): Promise<void> {
    const loaded = await loadFiles(files);
    const server = tls.createServer({ ...secureOptions(loaded), requestCert: true, rejectUnauthorized: false });
    const manager: Manager = { ...endpoint, files, server, sockets: new Set(), pending: new Map(), contextKey: loaded.caPem + loaded.certPem + loaded.keyPem, loaded };
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      socket.setNoDelay(true);
      manager.sockets.add(socket);
      socket.on('close', () => manager.sockets.delete(socket));
      socket.on('error', () => undefined);
      const pending = manager.pending.get(socket.remoteAddress ?? '');
      if (pending === undefined || manager.loaded === undefined) {
        socket.destroy();
        return;
      }
      pending.socket = socket;
      void judge(socket.getPeerX509Certificate()?.raw, manager.loaded.caPem, socket.authorizationError, pending.at).then((verdict) => pending.resolve(verdict));
    });
    server.on('tlsClientError', (error, socket) => {
      manager.pending.get(socket.remoteAddress ?? '')?.resolve({ ok: false, failure: undefined, message: error.message });
    });
    server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(SFTUNNEL_PORT, endpoint.address, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    this.#managers.set(endpoint.name, manager);
  }

  /** Registers the tunnel from a device to one of its managers (down until {@link SftunnelEmulator.connect}). */
  addTunnel(device: TunnelEndpoint, managerName: string, files: TunnelFiles): void {
    const manager = this.#managers.get(managerName);
    if (manager === undefined) throw new TypeError(`no manager ${managerName}`);
    const tunnel: Tunnel = {
      device,
      files,
      manager,
      client: undefined,
      serverSide: undefined,
      queue: Promise.resolve(),
      context: undefined,
      status: {
        device: device.name,
        manager: managerName,
        deviceAddress: device.address,
        managerAddress: manager.address,
        state: 'disconnected',
        connectedSince: undefined,
        lastAttempt: undefined,
        lastDisconnect: undefined,
        lastDisconnectReason: undefined,
        lastError: undefined,
      },
    };
    this.#tunnels.set(device.name, [...(this.#tunnels.get(device.name) ?? []), tunnel]);
  }

  /** Records a device's tunnels as down since `at` (a lab that starts with tunnels down). */
  markDown(device: string, at: Date): void {
    for (const tunnel of this.#tunnels.get(device) ?? []) {
      tunnel.status = { ...tunnel.status, state: 'disconnected', lastAttempt: at, lastDisconnect: at, lastDisconnectReason: DISCONNECT_REASON };
    }
  }

  /** The port an FMC listens on (8305). */
  port(managerName: string): number | undefined {
    return (this.#managers.get(managerName)?.server.address() as net.AddressInfo | null)?.port;
  }

  /** The status of every tunnel of a device (one per manager). */
  deviceTunnels(device: string): readonly TunnelStatus[] {
    return (this.#tunnels.get(device) ?? []).map((t) => t.status);
  }

  /** The status of every tunnel to a manager. */
  managerTunnels(manager: string): readonly TunnelStatus[] {
    return [...this.#tunnels.values()].flat().filter((t) => t.manager.name === manager).map((t) => t.status);
  }

  /** Every tunnel's status. */
  all(): readonly TunnelStatus[] {
    return [...this.#tunnels.values()].flat().map((t) => t.status);
  }

  /**
   * Connects (or reconnects) a device's tunnels with the files as they are now.
   *
   * @param device - the device's name
   * @param options - `verifyAt`: judge validity at this lab time instead of now (a tunnel established in the past); `log`: write log lines (default true)
   */
  async connect(device: string, options: { readonly verifyAt?: Date; readonly log?: boolean; readonly manager?: string } = {}): Promise<readonly TunnelStatus[]> {
    const tunnels = (this.#tunnels.get(device) ?? []).filter((t) => options.manager === undefined || t.manager.name === options.manager);
    return Promise.all(tunnels.map((t) => this.#serial(t, () => this.#connect(t, options.verifyAt, options.log !== false))));
  }

  /**
   * Drops a device's tunnels; they stay down until connected again.
   *
   * @param device - the device's name
   * @param reason - the disconnect reason to report
   */
  async drop(device: string, reason = DISCONNECT_REASON): Promise<void> {
    await Promise.all((this.#tunnels.get(device) ?? []).map((t) => this.#serial(t, async () => this.#drop(t, reason))));
  }

  /** `pmtool restartbyid sftunnel` on a device: drop and reconnect. */
  async restartDevice(device: string): Promise<readonly TunnelStatus[]> {
    await this.drop(device);
    return this.connect(device);
  }

  /**
   * `pmtool restartbyid sftunnel` on an FMC: reload its files, then drop and reconnect every tunnel
   * to it, 16 at a time; a device for which `reconnects` says no stays down (until its own restart).
   */
  async restartManager(manager: string, reconnects: (device: string) => boolean = () => true): Promise<void> {
    const tunnels = [...this.#tunnels.values()].flat().filter((t) => t.manager.name === manager);
    // The FMC's files are read once for the restart (as its sftunnel does), not again per tunnel.
    const own = this.#managers.get(manager);
    if (own !== undefined) await this.#refreshManager(own);
    for (let i = 0; i < tunnels.length; i += 16) {
      await Promise.all(
        tunnels.slice(i, i + 16).map((t) =>
          this.#serial(t, async () => {
            this.#drop(t, DISCONNECT_REASON);
            if (reconnects(t.device.name)) await this.#connect(t, undefined, true, true);
          }),
        ),
      );
    }
  }

  /** Closes every connection and listener. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const tunnel of [...this.#tunnels.values()].flat()) {
      tunnel.client?.destroy();
      tunnel.serverSide?.destroy();
    }
    await Promise.all([...this.#deviceServers.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await Promise.all(
      [...this.#managers.values()].map(
        (m) =>
          new Promise<void>((resolve) => {
            for (const s of m.sockets) s.destroy();
            m.server.close(() => resolve());
          }),
      ),
    );
  }

  /**
   * Listens on a device's `<address>:8305` (TLS 1.2, a client certificate required) with the files
   * its sftunnel loaded last. OpenSSL verifies the client's certificate against the device's CA in
   * the handshake, at the real time: a probe is a fresh handshake on the files now, so this holds
   * while the lab clock is near the real one. A device of an HA pair answers with the files of the
   * tunnel it (re)connected last.
   */
  async #serveDevice(device: TunnelEndpoint, files: LoadedFiles): Promise<void> {
    const text = files.caPem + files.certPem + files.keyPem;
    const options = (): tls.TlsOptions => ({ ...secureOptions(files), requestCert: true, rejectUnauthorized: true });
    const existing = this.#deviceServers.get(device.name);
    if (existing !== undefined) {
      // A new secure context (PEM and key parsed again) only when the files changed.
      if (existing.files !== text) {
        existing.server.setSecureContext(options());
        existing.files = text;
      }
      return;
    }
    const server = tls.createServer(options(), (socket) => socket.end());
    server.on('tlsClientError', () => undefined);
    server.on('connection', (socket) => socket.setNoDelay(true));
    this.#deviceServers.set(device.name, { server, files: text });
    await new Promise<void>((resolve) => {
      server.once('error', () => resolve()); // a device address already served elsewhere: no probe target, tunnels unaffected
      server.listen(SFTUNNEL_PORT, device.address, () => resolve());
    });
  }

  #serial<T>(tunnel: Tunnel, action: () => Promise<T>): Promise<T> {
    const next = tunnel.queue.then(action);
    tunnel.queue = next.catch(() => undefined);
    return next;
  }

  #drop(tunnel: Tunnel, reason: string): void {
    const wasUp = tunnel.status.state === 'connected';
    const client = tunnel.client;
    tunnel.client = undefined;
    client?.destroy();
    tunnel.serverSide?.destroy();
    tunnel.serverSide = undefined;
    if (wasUp) {
      const now = this.#clock.now();
      tunnel.status = { ...tunnel.status, state: 'disconnected', connectedSince: undefined, lastDisconnect: now, lastDisconnectReason: reason };
      void tunnel.device.log.write(now, tunnel.device.log.nextThread(), [['INFO', `Peer ${tunnel.manager.address} disconnected: ${reason}`]]);
    }
  }

  async #refreshManager(manager: Manager): Promise<LoadedFiles | undefined> {
    try {
      const loaded = await loadFiles(manager.files);
      const key = loaded.caPem + loaded.certPem + loaded.keyPem;
      if (key !== manager.contextKey) {
        manager.server.setSecureContext(secureOptions(loaded));
        manager.contextKey = key;
      }
      manager.loaded = loaded;
      return loaded;
    } catch {
      manager.loaded = undefined;
      return undefined;
    }
  }

  async #connect(tunnel: Tunnel, verifyAt: Date | undefined, log: boolean, managerRefreshed = false): Promise<TunnelStatus> {
    if (this.#stopped) return tunnel.status;
    this.#drop(tunnel, DISCONNECT_REASON);
    const now = this.#clock.now();
    const at = verifyAt ?? now;
    const { device, manager } = tunnel;
    const thread = device.log.nextThread();
    const managerThread = manager.log.nextThread();
    const deviceLines = log ? attemptLines(manager.address) : [];
    const fail = async (error: TunnelError, lines: Parameters<SftunnelLog['write']>[2], managerLines: Parameters<SftunnelLog['write']>[2] = []): Promise<TunnelStatus> => {
      if (log) {
        void device.log.write(now, thread, [...deviceLines, ...lines]);
        if (managerLines.length > 0) void manager.log.write(now, managerThread, managerLines);
      }
      tunnel.status = { ...tunnel.status, state: 'disconnected', lastAttempt: now, lastError: error, connectedSince: undefined };
      return tunnel.status;
    };

    let own: LoadedFiles;
    let context: tls.SecureContext;
    try {
      own = await loadFiles(tunnel.files);
      const key = own.caPem + own.certPem + own.keyPem;
      if (tunnel.context?.key !== key) tunnel.context = { key, context: tls.createSecureContext(secureOptions(own)) };
      context = tunnel.context.context;
      await this.#serveDevice(device, own);
    } catch (error) {
      tunnel.context = undefined;
      const message = `Failed to load the sftunnel certificate, key or CA: ${(error as Error).message}`;
      return fail({ side: 'device', code: 'FILES_INVALID', message }, [['ERROR', message]]);
    }
    if ((managerRefreshed ? manager.loaded : await this.#refreshManager(manager)) === undefined) {
      const message = `Failed to connect to ${manager.address}:8305 (IPv4): Connection reset by peer`;
      return fail({ side: 'manager', code: 'FILES_INVALID', message: `${manager.name} cannot load its own sftunnel files` }, [['WARN', message]]);
    }

    let resolveServer: (v: Verdict) => void = () => undefined;
    const pending: PendingHandshake = {
      at,
      verdict: new Promise<Verdict>((resolve) => {
        resolveServer = resolve;
      }),
      resolve: (v) => resolveServer(v),
    };
    manager.pending.set(device.address, pending);
    const outcome = await new Promise<{ socket: tls.TLSSocket; verdict: Verdict } | { error: Error }>((resolve) => {
      const raw = net.connect({ host: manager.address, port: SFTUNNEL_PORT, localAddress: device.address, noDelay: true });
      const socket = tls.connect({
        socket: raw,
        secureContext: context,
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
      });
      socket.setNoDelay(true);
      socket.once('secureConnect', () => {
        void judge(socket.getPeerX509Certificate()?.raw, own.caPem, socket.authorizationError, at).then((verdict) => resolve({ socket, verdict }));
      });
      const onError = (error: Error): void => {
        pending.resolve({ ok: false, failure: undefined, message: error.message });
        socket.destroy();
        resolve({ error });
      };
      socket.once('error', onError);
      raw.once('error', onError);
    });
    if ('error' in outcome) {
      manager.pending.delete(device.address);
      const refused = (outcome.error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      const message = refused ? `Failed to connect to ${manager.address}:8305 (IPv4): Connection refused` : `Connect:SSL handshake failed: ${outcome.error.message}`;
      return fail({ side: 'device', code: refused ? 'CONNECT_FAILED' : 'TLS_FAILED', message }, [['ERROR', message]]);
    }
    deviceLines.push(['INFO', `Connected to ${manager.address} from resolved_ip_list (port 8305) (IPv4)`]);
    const { socket, verdict } = outcome;
    if (!verdict.ok) {
      // The device refuses the FMC's chain and sends an alert.
      pending.resolve({ ok: false, failure: undefined, message: 'peer refused' });
      manager.pending.delete(device.address);
      socket.destroy();
      pending.socket?.destroy();
      const failure = verdict.failure;
      return fail(
        { side: 'device', code: codeOf(failure), message: verdict.message },
        failure === undefined ? [['ERROR', `Connect:SSL handshake failed: ${verdict.message}`]] : refusalLines(failure, 'device'),
        failure === undefined ? [] : managerRejectedLines(failure, device.address),
      );
    }
    const timer = setTimeout(() => pending.resolve({ ok: false, failure: undefined, message: 'no answer from the FMC' }), 10_000);
    const serverVerdict = await pending.verdict;
    clearTimeout(timer);
    manager.pending.delete(device.address);
    if (!serverVerdict.ok) {
      socket.destroy();
      pending.socket?.destroy();
      const failure = serverVerdict.failure;
      return fail(
        { side: 'manager', code: codeOf(failure), message: serverVerdict.message },
        failure === undefined ? [['ERROR', `Connect:SSL handshake failed: ${serverVerdict.message}`]] : deviceRejectedLines(failure),
        failure === undefined ? [] : [...refusalLines(failure, 'manager'), ['INFO', `establishConnectionUtil: Failed to connect using SSL to: '${device.address}'`]],
      );
    }
    if (this.#stopped) {
      socket.destroy();
      return tunnel.status;
    }
    tunnel.client = socket;
    tunnel.serverSide = pending.socket;
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (tunnel.client === socket) this.#drop(tunnel, DISCONNECT_REASON);
    });
    if (log) {
      void device.log.write(now, thread, [...deviceLines, ['INFO', 'SSL Verification status: ok'], ['INFO', `Peer ${manager.address} connected (Channel-A CONTROL, Channel-B EVENT)`]]);
      void manager.log.write(now, managerThread, [['INFO', `establishConnectionUtil: SSL Verification status: ok`], ['INFO', `Peer ${device.address} connected (Channel-A CONTROL, Channel-B EVENT)`]]);
    }
    tunnel.status = { ...tunnel.status, state: 'connected', connectedSince: at, lastAttempt: now, lastError: undefined };
    return tunnel.status;
  }
}
