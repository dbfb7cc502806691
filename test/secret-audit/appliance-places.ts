// By path, not the packages: every project's tests run the audit, and must not need them built first.
import { DEFAULT_APPLIANCE_LAYOUT, defineApplianceLayout, fmcHaPeerFiles, fmcPushedFiles, ftdPeerFiles, type ApplianceLayout } from '../../packages/core/src/layout/appliance-layout.js';
import { isUuid } from '../../packages/core/src/identity/uuid.js';
import { LAB_LAYOUT_FILE } from '../../packages/lab/src/lab-layout-file.js';

/**
 * Where a path on an appliance stands for the audit:
 * - `live key`: a live key path of the layout, or one of its generations (below), where private
 *   keys belong;
 * - `live`: another live file of the layout (a certificate, the CRL), or one of its generations;
 * - `staging`: inside a staging directory (`/var/tmp/certs/<name>/…`), where a renewal keeps the
 *   new keys, 0600 in 0700 directories;
 * - `ours`: anything else our engine or transport makes on an appliance (below), which must be
 *   0600 or stricter (directories 0700) and hold no key;
 * - `log`: the appliance's logs (`…/var/log/…`), where no key ever belongs;
 * - `other`: the appliance's other files, where no key belongs either.
 */
export type AppliancePlace = 'live key' | 'live' | 'staging' | 'ours' | 'log' | 'other';

/**
 * Every name our code gives an entry on an appliance carries this marker: the session scratch
 * directory `/tmp/.sftunnel-ca.XXXXXXXX` (transport), the device lock `.sftunnel-ca.lock`, the
 * batch script `.sftunnel-ca.batch.sh`, temporary files `.<file>.sftunnel-ca.tmp`,
 * `<file>.sftunnel-ca.tmp` and `.<file>.sftunnel-ca-<hex>.tmp`, and the new file waiting beside a
 * live one, `<file>.sftunnel-ca.new` (core).
 */
const OURS = /\.sftunnel-ca[.-]/;

/** The new file waiting beside a live one until its set is renamed in (core's `PENDING_SUFFIX`): the next generation. */
const PENDING = '.sftunnel-ca.new';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The live key paths of one appliance layout and how to recognise them, their generations and the
 * staging directories. Generations of a live path `<file>`: the vendor's backup `<file><suffix>`,
 * an earlier backup moved aside `<file><suffix>.<unix-ms>[.n]` (core) or
 * `<file><suffix>.<UTC timestamp>[.n]` (the transport's atomic write), and the new file waiting
 * beside it, `<file>.sftunnel-ca.new`, which has the live file's mode by design.
 */
export class AppliancePlaces {
  readonly #layout: ApplianceLayout;
  readonly #generation: RegExp;
  readonly #fixedKeys: ReadonlySet<string>;
  readonly #fixedOthers: ReadonlySet<string>;

  /** @param layout - the layout the lab's appliances follow (default the vendor's) */
  constructor(layout: ApplianceLayout = DEFAULT_APPLIANCE_LAYOUT) {
    this.#layout = layout;
    this.#generation = new RegExp(`(?:${escape(layout.backupSuffix)}(?:\\.(?:\\d+|\\d{8}T\\d{6}Z)(?:\\.\\d+)?)?|${escape(PENDING)})$`);
    const { fmc } = layout;
    this.#fixedKeys = new Set([fmc.sftunnelKey, fmc.caKey]);
    this.#fixedOthers = new Set([fmc.caCertificate, fmc.caCrl, fmc.sftunnelCertificate]);
  }

  /**
   * The places of the lab whose directory is `labDirectory`: by the layout it recorded there
   * (`layout.json`, see the lab's `startLab`), else the vendor's.
   *
   * @param layoutJson - the text of that file, if there was one
   */
  static fromRecordedLayout(layoutJson: string | undefined): AppliancePlaces {
    return new AppliancePlaces(layoutJson === undefined ? DEFAULT_APPLIANCE_LAYOUT : defineApplianceLayout(JSON.parse(layoutJson) as ApplianceLayout));
  }

  /** The name of the file in which a lab records its layout. */
  static readonly LAYOUT_FILE = LAB_LAYOUT_FILE;

  /**
   * Where a path of an appliance stands.
   *
   * @param path - absolute, as on the appliance (`/tmp/.sftunnel-ca.x/in`)
   */
  placeOf(path: string): AppliancePlace {
    const layout = this.#layout;
    const staging = `${layout.fmc.failedPushDirectory}/`;
    if (path.startsWith(staging) && path.slice(staging.length).includes('/')) return 'staging';
    const live = path.replace(this.#generation, '');
    if (this.#fixedKeys.has(live)) return 'live key';
    if (this.#fixedOthers.has(live)) return 'live';
    const peerFile = this.#peerFileOf(live);
    if (peerFile !== undefined) return peerFile;
    const segments = path.split('/');
    if (segments.some((segment) => OURS.test(segment))) return 'ours';
    return path.includes('/var/log/') ? 'log' : 'other';
  }

  /** Whether a path is a file of a peer directory (a device's, or one the FMC keeps for a device or its HA peer). */
  #peerFileOf(path: string): 'live key' | 'live' | undefined {
    const layout = this.#layout;
    for (const peers of new Set([layout.fmc.peersDirectory, layout.ftd.peersDirectory])) {
      if (!path.startsWith(`${peers}/`)) continue;
      const uuid = path.slice(peers.length + 1).split('/')[0] ?? '';
      if (!isUuid(uuid)) continue;
      for (const files of [ftdPeerFiles(layout, uuid), fmcHaPeerFiles(layout, uuid), fmcPushedFiles(layout, uuid)]) {
        if (files.sftunnelKey === path) return 'live key';
        if (Object.values(files).includes(path)) return 'live';
      }
    }
    return undefined;
  }
}
