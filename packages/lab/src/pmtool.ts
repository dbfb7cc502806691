import { defineCommand, type Command } from 'just-bash';
import { result, type ShellIdentity } from './shell-user.js';

/**
 * `pmtool` (the appliance's process manager), as far as renewal uses it: `pmtool restartbyid
 * sftunnel` drops the appliance's tunnels and reconnects them with the files on disk now (on an
 * FMC: every tunnel to it); `pmtool status`. Under the `pmtoolFails` fault it exits 1 and
 * restarts nothing.
 */
export function pmtoolCommand(identity: ShellIdentity): Command {
  return defineCommand('pmtool', async (args) => {
    const appliance = identity.appliance;
    if (identity.user !== 'root') return result('', 'pmtool: must be run as root\n', 1);
    const [verb, id] = args;
    if (verb === 'status') return result(`sftunnel (normal) - Running ${4000 + (appliance.info.address.split('.').map(Number).reduce((a, b) => a + b, 0) % 1000)}\n`);
    if ((verb === 'restartbyid' || verb === 'restart') && id === 'sftunnel') {
      if (appliance.faults.pmtoolFails === true) return result('', 'pmtool: Unable to restart sftunnel: Process Manager is not responding\n', 1);
      await appliance.services.restartSftunnel(appliance);
      return result('');
    }
    return result('', 'Usage: pmtool <status|restartbyid <id>|disablebyid <id>|enablebyid <id>>\n', 1);
  });
}
