import { SftunnelCaError } from '@sftunnel-ca/core';

/** Byte order marks of the encodings a spreadsheet or an editor may save an inventory in, longest first. */
const BYTE_ORDER_MARKS: ReadonlyArray<{ readonly bytes: readonly number[]; readonly name: string; readonly iconv: string }> = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'UTF-32 LE', iconv: 'UTF-32LE' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'UTF-32 BE', iconv: 'UTF-32BE' },
  { bytes: [0xff, 0xfe], name: 'UTF-16 LE', iconv: 'UTF-16LE' },
  { bytes: [0xfe, 0xff], name: 'UTF-16 BE', iconv: 'UTF-16BE' },
];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The error of a file in another encoding than UTF-8 (exit 2). */
function unsupported(message: string): SftunnelCaError {
  return new SftunnelCaError('INPUT_ENCODING_UNSUPPORTED', message);
}

/**
 * Decodes a text file that must be UTF-8 (with or without a byte order mark). Any other encoding
 * is named rather than misread (a UTF-16 inventory would otherwise fail as a "bad ip column"):
 * UTF-16 and UTF-32 by their byte order mark, UTF-16 without one by its NUL bytes, and a file
 * that is not valid UTF-8 (Latin-1, Windows-1252) by the first line that is not.
 *
 * @param bytes - the file's content
 * @param path - the file, for errors
 * @param what - the option that named it, for errors
 * @throws SftunnelCaError `INPUT_ENCODING_UNSUPPORTED` naming the encoding and how to convert the file (exit 2)
 */
export function decodeUtf8Text(bytes: Uint8Array, path: string, what: string): string {
  const starts = (mark: readonly number[]): boolean => mark.every((byte, i) => bytes[i] === byte);
  const convert = (from: string): string => `save it as UTF-8 (a spreadsheet's "CSV UTF-8", or iconv -f ${from} -t UTF-8 ${path} > utf8.csv)`;
  const mark = BYTE_ORDER_MARKS.find((candidate) => starts(candidate.bytes));
  if (mark !== undefined) throw unsupported(`${what}: ${path} is ${mark.name} (it starts with a byte order mark), not UTF-8; ${convert(mark.iconv)}`);
  const body = starts(UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (body.includes(0)) throw unsupported(`${what}: ${path} holds NUL bytes: UTF-16 without a byte order mark, or not a text file; ${convert('UTF-16LE')}`);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return decoder.decode(body);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= body.length; i++) {
      if (i < body.length && body[i] !== 0x0a) continue;
      try {
        decoder.decode(body.subarray(start, i));
      } catch {
        break;
      }
      line += 1;
      start = i + 1;
    }
    throw unsupported(`${what}: ${path}: line ${line} is not UTF-8 (perhaps Latin-1 or Windows-1252); ${convert('WINDOWS-1252')}`);
  }
}
