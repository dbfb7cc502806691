import { SftunnelCaError, type Host, type RenewalEvent } from '@sftunnel-ca/core';
import type { CliIo } from './cli-io.js';

/**
 * Ctrl-C during a fleet run (renew, copy, rollback, the demo): from then on no device starts (its
 * connect throws `RUN_INTERRUPTED`), devices in flight finish, and the FMC is not switched: the
 * FMC's host refuses every operation once the run reaches its switch. The command then exits 4
 * and prints how to resume.
 */
export class FleetInterruption {
  #requested = false;
  #fmcClosed = false;
  readonly #started = new Set<string>();
  readonly #stopListening: () => void;

  /**
   * Starts listening for Ctrl-C; call {@link FleetInterruption.dispose} when the run ends.
   *
   * @param io - where Ctrl-C comes from and where the notice goes
   */
  constructor(io: CliIo) {
    this.#stopListening =
      io.onInterrupt?.(() => {
        this.#requested = true;
        io.stderr.write('\nsftunnel-ca: interrupted: no further device starts; waiting for the devices in flight (Ctrl-C again to exit now)\n');
      }) ?? ((): void => undefined);
  }

  /** Whether Ctrl-C was pressed. */
  get requested(): boolean {
    return this.#requested;
  }

  /**
   * Wraps a `connect` so that no device starts once interrupted (a device already started may
   * connect again, e.g. to restore its files).
   *
   * @param connect - opens a device's host
   * @param nameOf - the device's name, for the error
   */
  guardConnect<A, H>(connect: (arg: A, signal: AbortSignal) => Promise<H>, nameOf: (arg: A) => string): (arg: A, signal: AbortSignal) => Promise<H> {
    return async (arg, signal) => {
      const name = nameOf(arg);
      if (this.#requested && !this.#started.has(name)) throw new SftunnelCaError('RUN_INTERRUPTED', `${name} was not started: the run was interrupted`, { host: name, step: 'connect' });
      this.#started.add(name);
      return connect(arg, signal);
    };
  }

  /**
   * Watches the run's events: an interrupted run that reaches the FMC's switch stops there (the
   * FMC's host then refuses every operation, see {@link FleetInterruption.guardFmc}).
   *
   * @param event - a renewal event
   */
  observe(event: RenewalEvent): void {
    if (event.type === 'fmc:switch' && event.phase === 'start' && this.#requested) this.#fmcClosed = true;
  }

  /**
   * The FMC's host, refusing every operation once an interrupted run reached the FMC's switch.
   *
   * @param fmc - the FMC
   */
  guardFmc<H extends Host>(fmc: H): H {
    return new Proxy(fmc, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          if (this.#fmcClosed && property !== 'close') {
            return Promise.reject(new SftunnelCaError('RUN_INTERRUPTED', `the run was interrupted before ${target.name} switched to the new CA; nothing was changed on it`, { host: target.name, step: 'fmc-switch' }));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** Stops listening for Ctrl-C. */
  dispose(): void {
    this.#stopListening();
  }
}
