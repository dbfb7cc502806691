import { Client, type ClientChannel } from 'ssh2';
import type { LabAppliance } from '../appliance.js';

/** Connects an ssh2 client to a lab appliance (keyboard-interactive answered with `password`). */
export function connectClient(appliance: LabAppliance, options: { readonly username?: string; readonly password?: string; readonly readyTimeout?: number } = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const password = options.password ?? appliance.password;
    client.on('ready', () => resolve(client));
    client.on('error', reject);
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)));
    client.connect({
      host: appliance.address,
      port: appliance.sshPort,
      username: options.username ?? appliance.username,
      password,
      tryKeyboard: true,
      readyTimeout: options.readyTimeout ?? 10_000,
      hostVerifier: (key: Buffer) => key.toString('base64') === appliance.hostPublicKey.split(' ')[1],
    });
    client.on('connect', () => (client as unknown as { _sock?: { setNoDelay(on: boolean): void } })._sock?.setNoDelay(true));
  });
}

/** Runs one command over exec. */
export function execOn(client: Client, command: string, stdin?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let stdout = '';
      let stderr = '';
      let code = -1;
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('exit', (c: number) => (code = c));
      stream.on('close', () => resolve({ stdout, stderr, code }));
      stream.end(stdin);
    });
  });
}

/** An interactive terminal session typed key by key, for tests. */
export class KeystrokeSession {
  readonly client: Client;
  readonly channel: ClientChannel;
  #output = '';
  #mark = 0;

  private constructor(client: Client, channel: ClientChannel) {
    this.client = client;
    this.channel = channel;
    channel.on('data', (d: Buffer) => (this.#output += d.toString('utf8')));
  }

  /** Logs in and opens a shell with a terminal. */
  static async open(appliance: LabAppliance): Promise<KeystrokeSession> {
    const client = await connectClient(appliance);
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      client.shell({ term: 'xterm', cols: 200, rows: 50 }, (error, stream) => (error ? reject(error) : resolve(stream))),
    );
    return new KeystrokeSession(client, channel);
  }

  /** Logs in to an appliance whose login lands in the CLI (`> `) and types the way to root: `expert`, `sudo su`, the password. */
  static async openAsRoot(appliance: LabAppliance): Promise<KeystrokeSession> {
    const session = await KeystrokeSession.open(appliance);
    try {
      await session.waitFor(/> $/);
      await session.line('expert', /\$ $/);
      await session.line('sudo su', /Password: ?$/);
      await session.line(appliance.password, /# $/);
      return session;
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** Everything received, with `\r\n` as `\n`. */
  get transcript(): string {
    return this.#output.replace(/\r\n/g, '\n');
  }

  /** Types text (a line: end it with `\r`). */
  type(text: string): void {
    this.channel.write(text);
  }

  /** Waits until the output since the last wait ends with (or contains) `pattern`; returns that output. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = this.transcript.slice(this.#mark);
      const match = pattern.exec(fresh);
      if (match !== null) {
        this.#mark += match.index + match[0].length;
        return fresh.slice(0, match.index + match[0].length);
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(fresh.slice(-400))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Types a line and waits for the next prompt. */
  async line(text: string, prompt: RegExp): Promise<string> {
    this.type(`${text}\r`);
    return this.waitFor(prompt);
  }

  close(): void {
    this.channel.close();
    this.client.end();
  }
}
