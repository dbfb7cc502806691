import { createHash } from 'node:crypto';
import { Certificate, isSftunnelCaError, verifyIssuedBy } from '@sftunnel-ca/core';
import { defineCommand, type Command, type CommandContext } from 'just-bash';
import { result, type ShellIdentity } from './shell-user.js';
import { opensslTime, strftime } from './time-format.js';

async function readInput(ctx: CommandContext, file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return typeof ctx.stdin === 'string' ? ctx.stdin : '';
  try {
    return await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, file));
  } catch {
    return undefined;
  }
}

function colonHex(bytes: Buffer): string {
  return bytes.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

async function x509(identity: ShellIdentity, args: readonly string[], ctx: CommandContext): Promise<ReturnType<typeof result>> {
  let file: string | undefined;
  let noout = false;
  let checkend: number | undefined;
  const wanted: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-in') file = args[++i];
    else if (arg === '-noout') noout = true;
    else if (arg === '-checkend') checkend = Number(args[++i]);
    else if (arg === '-inform' || arg === '-outform') i++;
    else wanted.push(arg);
  }
  const text = await readInput(ctx, file);
  if (text === undefined) {
    return result('', `Could not open file or uri for loading certificate from ${file ?? 'stdin'}\n`, 1);
  }
  let certificate: Certificate;
  try {
    certificate = Certificate.fromPem(text, file ?? 'stdin');
  } catch {
    return result('', 'Unable to load certificate\n', 1);
  }
  const lines: string[] = [];
  const sha256 = wanted.includes('-sha256');
  for (const option of wanted) {
    if (option === '-dates') lines.push(`notBefore=${opensslTime(certificate.notBefore)}`, `notAfter=${opensslTime(certificate.notAfter)}`);
    else if (option === '-enddate') lines.push(`notAfter=${opensslTime(certificate.notAfter)}`);
    else if (option === '-startdate') lines.push(`notBefore=${opensslTime(certificate.notBefore)}`);
    else if (option === '-subject') lines.push(`subject=${certificate.subject}`);
    else if (option === '-issuer') lines.push(`issuer=${certificate.issuer}`);
    else if (option === '-serial') {
      const hex = certificate.serialNumber.toString(16).toUpperCase();
      lines.push(`serial=${hex.length % 2 === 1 ? `0${hex}` : hex}`);
    } else if (option === '-fingerprint') {
      const digest = createHash(sha256 ? 'sha256' : 'sha1').update(certificate.der).digest();
      lines.push(`${sha256 ? 'sha256' : 'SHA1'} Fingerprint=${colonHex(digest)}`);
    } else if (option !== '-sha256' && option !== '-sha1') {
      return result('', `x509: Unknown option or message digest: ${option.replace(/^-/, '')}\nx509: Use -help for summary.\n`, 1);
    }
  }
  let exitCode = 0;
  if (checkend !== undefined) {
    const expires = certificate.notAfter.getTime() <= identity.appliance.services.clock.now().getTime() + checkend * 1000;
    lines.push(expires ? 'Certificate will expire' : 'Certificate will not expire');
    exitCode = expires ? 1 : 0;
  }
  const body = lines.map((l) => `${l}\n`).join('');
  return result(noout ? body : body + certificate.pem, '', exitCode);
}

async function verify(identity: ShellIdentity, args: readonly string[], ctx: CommandContext): Promise<ReturnType<typeof result>> {
  const caIndex = args.indexOf('-CAfile');
  const caFile = caIndex === -1 ? undefined : args[caIndex + 1];
  const files = args.filter((a, i) => !a.startsWith('-') && i !== caIndex + 1);
  const caText = caFile === undefined ? undefined : await readInput(ctx, caFile);
  if (caText === undefined) return result('', `Error loading file ${caFile ?? '(none)'}\n`, 2);
  let out = '';
  let err = '';
  for (const file of files) {
    const text = await readInput(ctx, file);
    try {
      await verifyIssuedBy(Certificate.fromPem(text ?? '', file), Certificate.fromPem(caText, caFile), { now: identity.appliance.services.clock.now(), source: file });
      out += `${file}: OK\n`;
    } catch (error) {
      const depth = /at depth (\d)/.exec(String((error as Error).message))?.[1] ?? '0';
      const reason =
        isSftunnelCaError(error, 'CERTIFICATE_EXPIRED') ? `error 10 at ${depth} depth lookup: certificate has expired`
        : isSftunnelCaError(error, 'CERTIFICATE_NOT_YET_VALID') ? `error 9 at ${depth} depth lookup: certificate is not yet valid`
        : isSftunnelCaError(error, 'NOT_ISSUED_BY_CA') ? 'error 7 at 0 depth lookup: certificate signature failure'
        : 'error 20 at 0 depth lookup: unable to get local issuer certificate';
      err += `${file}: verification failed\n${reason}\n`;
    }
  }
  return result(out, err, err === '' ? 0 : 2);
}

/**
 * `openssl` on an appliance: `x509` (`-in`, `-noout`, `-dates`, `-enddate`, `-startdate`,
 * `-subject`, `-issuer`, `-serial`, `-fingerprint [-sha256]`, `-checkend N` at the lab clock),
 * `verify -CAfile` (at the lab clock) and `version`.
 */
export function opensslCommand(identity: ShellIdentity): Command {
  return defineCommand('openssl', async (args, ctx) => {
    const [sub, ...rest] = args;
    if (sub === 'x509') return x509(identity, rest, ctx);
    if (sub === 'verify') return verify(identity, rest, ctx);
    if (sub === 'version') return result('OpenSSL 1.1.1k  FIPS 25 Mar 2021\n');
    return result('', `Invalid command '${sub ?? ''}'; type "help" for a list.\n`, 1);
  });
}

/** `date [-u] [-d STRING] [+FORMAT]` at the lab clock (so the vendor's expiry check runs in lab time). */
export function dateCommand(identity: ShellIdentity): Command {
  return defineCommand('date', async (args) => {
    let date = identity.appliance.services.clock.now();
    let format = '%a %b %e %H:%M:%S %Z %Y';
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] ?? '';
      if (arg === '-d' || arg === '--date') {
        const text = args[++i] ?? '';
        const parsed = Date.parse(text.replace(/\s+/g, ' ').replace(/ GMT$/, ' UTC'));
        if (Number.isNaN(parsed)) return result('', `date: invalid date '${text}'\n`, 1);
        date = new Date(parsed);
      } else if (arg.startsWith('--date=')) {
        date = new Date(Date.parse(arg.slice(7)));
      } else if (arg.startsWith('+')) format = arg.slice(1);
    }
    return result(`${strftime(format, date)}\n`);
  });
}
