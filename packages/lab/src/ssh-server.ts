import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import ssh2, { type Connection, type ServerChannel, type Session } from 'ssh2';
import type { ApplianceRuntime } from './appliance.js';
import { interpretCliLine } from './cli-shell.js';
import { ExpertShell } from './expert-shell.js';
import { noteApplianceEvent } from './appliance-events.js';
import { applyLatency, applyLoginLatency } from './faults.js';
import { serveSftp } from './sftp-server.js';
import { TerminalSession } from './terminal-session.js';

/** An ed25519 host key: the OpenSSH private key, the public key line and its `SHA256:` fingerprint. */
export interface HostKey {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly fingerprint: string;
}

/** Makes an ed25519 host key. */
export function generateHostKey(): HostKey {
  let pair = ssh2.utils.generateKeyPairSync('ed25519');
  // ssh2 1.17 makes an ed25519 key it cannot parse back about once in 200 tries.
  while (ssh2.utils.parseKey(pair.private) instanceof Error) pair = ssh2.utils.generateKeyPairSync('ed25519');
  const publicKey = pair.public.trim().split(/\s+/).slice(0, 2).join(' ');
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return { privateKey: pair.private, publicKey, fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}

type Login = 'admin' | 'root';

function runExec(appliance: ApplianceRuntime, login: Login, command: string, stdin: string): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  if (login === 'root') return new ExpertShell(appliance, 'root').run(command, stdin);
  if (appliance.info.loginShell === 'bash' || appliance.info.direct) return new ExpertShell(appliance, 'admin').run(command, stdin);
  return applyLatency(appliance.faults).then(() => {
    const outcome = interpretCliLine(appliance, command);
    if (outcome.kind === 'output') return { stdout: outcome.text, stderr: '', exitCode: outcome.status };
    return { stdout: '', stderr: 'Syntax error: Illegal parameter\n', exitCode: 1 };
  });
}

function onExec(appliance: ApplianceRuntime, login: Login, channel: ServerChannel, command: string): void {
  const chunks: Buffer[] = [];
  let started = false;
  let idle: NodeJS.Timeout | undefined;
  const start = (): void => {
    if (started) return;
    started = true;
    clearTimeout(idle);
    void runExec(appliance, login, command, Buffer.concat(chunks).toString('utf8')).then(
      (outcome) => {
        if (outcome.stdout !== '') channel.write(outcome.stdout);
        if (outcome.stderr !== '') channel.stderr.write(outcome.stderr);
        channel.exit(outcome.exitCode);
        channel.end();
      },
      () => {
        channel.exit(1);
        channel.end();
      },
    );
  };
  // Input ends with EOF; the idle delay only serves clients that never send one. It must outlast
  // the gap between a channel's opening and its first data on a loaded machine, or a command would
  // start with its input missing (`cat > file` writing an empty file).
  const arm = (): void => {
    clearTimeout(idle);
    idle = setTimeout(start, 1_000);
  };
  channel.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    arm();
  });
  channel.on('end', start);
  // A connection lost before the input ended: sshd has started the command already, which now sees
  // end of input and runs on. Starting it later (after the idle delay) would let it run after the
  // client has reconnected and, say, put back files the command then overwrites.
  channel.on('close', start);
  channel.on('error', () => undefined);
  arm();
}

function onSession(appliance: ApplianceRuntime, login: Login, session: Session): void {
  let pty = false;
  session.on('pty', (accept) => {
    pty = true;
    accept?.();
  });
  session.on('window-change', (accept) => accept?.());
  session.on('env', (accept) => accept?.());
  session.on('shell', (accept) => {
    const channel = accept();
    const decoder = new StringDecoder('utf8');
    const terminal = new TerminalSession(
      appliance,
      {
        write: (text) => {
          channel.write(text);
        },
        close: (status) => {
          channel.exit(status);
          channel.end();
        },
      },
      { pty, user: login },
    );
    channel.on('data', (chunk: Buffer) => terminal.feed(decoder.write(chunk)));
    channel.on('close', () => void terminal.dispose());
    channel.on('error', () => undefined);
    terminal.start();
  });
  session.on('exec', (accept, _reject, info) => onExec(appliance, login, accept(), info.command));
  session.on('sftp', (accept, reject) => {
    if (login === 'root') serveSftp(appliance, accept());
    else reject();
  });
}

function onClient(appliance: ApplianceRuntime, client: Connection): void {
  let login: Login = 'admin';
  let loggingIn = true;
  client.on('error', () => undefined);
  client.on('authentication', (ctx) => {
    const first = loggingIn;
    loggingIn = false;
    void (first ? applyLoginLatency(appliance.faults) : Promise.resolve()).then(() => applyLatency(appliance.faults)).then(() => {
      const { info, faults } = appliance;
      const expected = faults.wrongCredentials === true ? `${info.password}\0changed` : info.password;
      const user: Login | undefined = ctx.username === info.username ? 'admin' : ctx.username === 'root' && info.direct ? 'root' : undefined;
      if (ctx.method === 'password') {
        if (user !== undefined && ctx.password === expected) {
          login = user;
          ctx.accept();
        } else ctx.reject(['keyboard-interactive', 'password']);
      } else if (ctx.method === 'keyboard-interactive') {
        ctx.prompt([{ prompt: 'Password : ', echo: false }], (answers) => {
          if (user !== undefined && answers[0] === expected) {
            login = user;
            ctx.accept();
          } else ctx.reject(['keyboard-interactive', 'password']);
        });
      } else ctx.reject(['keyboard-interactive', 'password']);
    });
  });
  client.on('ready', () => {
    client.on('session', (accept) => onSession(appliance, login, accept()));
  });
}

/**
 * The SSH endpoint of one lab appliance: an ssh2 server on the appliance's loopback address
 * (password and keyboard-interactive `Password :` authentication, Nagle off on every socket),
 * landing in the appliance's CLI, with exec, and SFTP as root where `direct` is enabled. The
 * `unreachable`, `silent`, `wrongCredentials`, `hostKeyChanged`, `dropAfterBytes`, `latencyMs` and
 * `loginLatencyMs` faults act here; each accepted connection is an event for armed faults, and open connections
 * meet the faults when armed ones strike.
 */
export class ApplianceSshServer {
  readonly #appliance: ApplianceRuntime;
  /** Open connections, each with the bytes received since the connection or the last strike of armed faults. */
  readonly #sockets = new Map<Socket, { received: number }>();
  readonly #listener: NetServer;
  #servers: { readonly normal: ssh2.Server; readonly changed: ssh2.Server } | undefined;
  #port = 0;
  #listening = false;
  #accepted = 0;

  private constructor(appliance: ApplianceRuntime) {
    this.#appliance = appliance;
    this.#listener = createServer((socket) => this.#accept(socket));
    this.#listener.on('error', () => undefined);
  }

  /**
   * Starts the endpoint (or, under `unreachable`, only reserves its port).
   *
   * @param appliance - the appliance
   * @param port - the port to use; 0 lets the system pick
   */
  static async start(appliance: ApplianceRuntime, port: number): Promise<ApplianceSshServer> {
    const server = new ApplianceSshServer(appliance);
    appliance.onFaultsStruck = () => server.#struck();
    await server.#listen(port);
    if (appliance.faults.unreachable === true) await server.#close();
    return server;
  }

  /** The SSH port. */
  get port(): number {
    return this.#port;
  }

  /** TCP connections accepted on the SSH port since the start, whatever the faults then did with them. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Applies a change of the `unreachable` fault: stops or resumes listening on the same port. */
  async applyFaults(): Promise<void> {
    if (this.#appliance.faults.unreachable === true && this.#listening) await this.#close();
    else if (this.#appliance.faults.unreachable !== true && !this.#listening) await this.#listen(this.#port);
  }

  /** Closes the listener and every connection. */
  async stop(): Promise<void> {
    for (const socket of this.#sockets.keys()) socket.destroy();
    this.#sockets.clear();
    if (this.#listening) await this.#close();
  }

  #listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.#listener.once('error', onError);
      this.#listener.listen(port, this.#appliance.info.address, () => {
        this.#listener.removeListener('error', onError);
        this.#port = (this.#listener.address() as AddressInfo).port;
        this.#listening = true;
        resolve();
      });
    });
  }

  #close(): Promise<void> {
    this.#listening = false;
    return new Promise((resolve) => this.#listener.close(() => resolve()));
  }

  #sshServers(): { readonly normal: ssh2.Server; readonly changed: ssh2.Server } {
    if (this.#servers === undefined) {
      const make = (key: string): ssh2.Server => {
        const server = new ssh2.Server({ hostKeys: [key], ident: 'OpenSSH_8.0' }, (client) => onClient(this.#appliance, client));
        server.on('error', () => undefined);
        return server;
      };
      this.#servers = { normal: make(this.#appliance.hostKey), changed: make(this.#appliance.otherHostKey) };
    }
    return this.#servers;
  }

  /** Armed faults struck: open connections meet them as they would a network's (see `ArmedFaults`). */
  #struck(): void {
    const faults = this.#appliance.faults;
    for (const [socket, count] of this.#sockets) {
      count.received = 0;
      if (faults.unreachable === true) socket.destroy();
      else if (faults.silent === true) {
        // A black hole: what the client sends is swallowed and nothing more reaches it.
        socket.removeAllListeners('data');
        socket.resume();
        socket.write = (() => true) as Socket['write'];
      }
    }
    void this.applyFaults();
  }

  #accept(socket: Socket): void {
    this.#accepted += 1;
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    noteApplianceEvent(this.#appliance, { event: 'connection' });
    const faults = this.#appliance.faults;
    if (faults.unreachable === true) {
      socket.destroy(); // accepted as the network went away
      return;
    }
    const count = { received: 0 };
    this.#sockets.set(socket, count);
    socket.on('close', () => this.#sockets.delete(socket));
    if (faults.silent === true) {
      socket.resume();
      return;
    }
    socket.on('data', (chunk: Buffer) => {
      count.received += chunk.length;
      const limit = this.#appliance.faults.dropAfterBytes;
      if (limit !== undefined && count.received > limit) socket.destroy();
    });
    const servers = this.#sshServers();
    (faults.hostKeyChanged === true ? servers.changed : servers.normal).injectSocket(socket);
  }
}
