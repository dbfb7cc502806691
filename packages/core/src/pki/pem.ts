import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/** One `-----BEGIN <label>-----` … `-----END <label>-----` block. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE`, `RSA PRIVATE KEY`, `X509 CRL`. */
  readonly label: string;
  /** The decoded bytes. */
  readonly der: Uint8Array;
  /** 1-based line of the BEGIN line in the input. */
  readonly line: number;
}

/** Options of {@link parsePem}. */
export interface ParsePemOptions {
  /** A name for the input in errors, e.g. a path. */
  readonly source?: string;
  /** Accept only blocks with one of these labels. */
  readonly labels?: readonly string[];
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses every PEM block of a text (text outside blocks, such as `openssl x509 -text` output,
 * is ignored). Throws `PEM_INVALID` when there is no block, a block is not closed, or its body
 * is not base64: what it returns holds at least one block.
 *
 * @param text - the file's content
 * @param options - a name for errors and the labels accepted
 * @example
 * ```ts
 * const [ca] = parsePem(readFileSync('cacert.pem', 'utf8'), { source: 'cacert.pem', labels: ['CERTIFICATE'] });
 * ```
 */
export function parsePem(text: string, options: ParsePemOptions = {}): [PemBlock, ...PemBlock[]] {
  const file = options.source ?? 'PEM input';
  const lines = text.split(/\r?\n/);
  const blocks: PemBlock[] = [];
  let open: { label: string; line: number; body: string[] } | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const lineNumber = index + 1;
    if (open === undefined) {
      const begin = BEGIN.exec(line);
      if (begin !== null) open = { label: begin[1] ?? '', line: lineNumber, body: [] };
      return;
    }
    const end = END.exec(line);
    if (end === null) {
      if (line.includes(':')) return; // RFC 1421 headers such as Proc-Type
      if (!BASE64_LINE.test(line)) {
        throw new SftunnelCaError('PEM_INVALID', `the ${open.label} block has a line that is not base64`, { file, line: lineNumber });
      }
      open.body.push(line);
      return;
    }
    if (end[1] !== open.label) {
      throw new SftunnelCaError('PEM_INVALID', `-----END ${end[1] ?? ''}----- closes a ${open.label} block`, { file, line: lineNumber });
    }
    const body = open.body.join('');
    if (body.length === 0 || body.length % 4 !== 0) {
      throw new SftunnelCaError('PEM_INVALID', `the ${open.label} block's base64 body is empty or truncated`, { file, line: open.line });
    }
    blocks.push({ label: open.label, der: new Uint8Array(Buffer.from(body, 'base64')), line: open.line });
    open = undefined;
  });
  if (open !== undefined) {
    throw new SftunnelCaError('PEM_INVALID', `the ${open.label} block is never closed with -----END ${open.label}-----`, { file, line: open.line });
  }
  const accepted = options.labels;
  const wanted = accepted === undefined ? blocks : blocks.filter((block) => accepted.includes(block.label));
  const [first, ...rest] = wanted;
  if (first === undefined) {
    const expected = accepted === undefined ? 'a PEM block' : accepted.map((label) => `-----BEGIN ${label}-----`).join(' or ');
    const found = blocks.length === 0 ? 'none' : blocks.map((block) => block.label).join(', ');
    throw new SftunnelCaError('PEM_INVALID', `expected ${expected}, found ${found}; pass the file as the appliance or openssl wrote it`, { file });
  }
  return [first, ...rest];
}

/**
 * Encodes bytes as one PEM block with 64-character lines and a final newline, as OpenSSL writes it.
 *
 * @param label - e.g. `CERTIFICATE`
 * @param der - the bytes
 *
 * @example
 * ```ts
 * encodePem('CERTIFICATE', certificate.der); // '-----BEGIN CERTIFICATE-----\nMIID…\n-----END CERTIFICATE-----\n'
 * ```
 */
export function encodePem(label: string, der: Uint8Array | ArrayBuffer): string {
  const base64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
