import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from './index.js';
import { connectClient, execOn } from './testing/keystrokes.js';

describe('command lookup in PATH, with what the lab remembers of its directories', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ devices: 1, direct: true });
  });
  afterAll(() => lab.stop());

  const run = async (command: string): Promise<{ stdout: string; stderr: string; code: number }> => {
    const client = await connectClient(lab.devices[0]!, { username: 'root' });
    try {
      return await execOn(client, command);
    } finally {
      client.end();
    }
  };

  it('finds a script put in a PATH directory after the directory was looked in, and loses it when that directory goes', async () => {
    expect((await run('hello')).code).toBe(127); // every PATH directory looked in, none there
    const create = await run("mkdir -p /usr/local/bin && printf 'echo hello from PATH\\n' > /usr/local/bin/hello && chmod 755 /usr/local/bin/hello");
    expect(create.code).toBe(0);
    const found = await run('hello');
    expect([found.code, found.stdout]).toEqual([0, 'hello from PATH\n']);
    expect((await run('rm -r /usr/local && hello')).code).toBe(127);
    const date = await run('date -u +%Y'); // the lab's own commands are found without those directories
    expect([date.code, date.stdout]).toEqual([0, `${new Date().getUTCFullYear()}\n`]);
  });

  it('runs a command found once again in the same script, and a stat of a path in a missing PATH directory says ENOENT', async () => {
    const twice = await run('date -u +%Y; date -u +%Y; ls /usr/bin/date; echo "status $?"');
    const year = `${new Date().getUTCFullYear()}\n`;
    expect([twice.code, twice.stdout]).toEqual([0, `${year}${year}status 2\n`]);
    expect(twice.stderr).toMatch(/\/usr\/bin\/date.*No such file or directory/);
  });

  it('sees a PATH directory created over SFTP', async () => {
    const client = await connectClient(lab.devices[0]!, { username: 'root' });
    try {
      const sftp = await new Promise<import('ssh2').SFTPWrapper>((resolve, reject) => client.sftp((error, session) => (error ? reject(error) : resolve(session))));
      expect((await execOn(client, 'greet')).code).toBe(127);
      for (const directory of ['/usr/local', '/usr/local/sf', '/usr/local/sf/bin']) {
        await new Promise<void>((resolve, reject) => sftp.mkdir(directory, (error) => (error ? reject(error) : resolve())));
      }
      await new Promise<void>((resolve, reject) => sftp.writeFile('/usr/local/sf/bin/greet', 'echo greeted\n', { mode: 0o755 }, (error) => (error ? reject(error) : resolve())));
      const found = await execOn(client, 'greet');
      expect([found.code, found.stdout]).toEqual([0, 'greeted\n']);
    } finally {
      client.end();
    }
  });
});
