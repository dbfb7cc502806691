/**
 * Escape sequences a terminal acts on: CSI (`ESC [` … final byte, or the one-byte C1 CSI), OSC, DCS,
 * SOS, PM and APC strings (ended by BEL or ST, or running to the end of the text), and the other
 * two-byte `ESC x` sequences.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;

/** Characters that still act on a terminal or reorder what it shows: C0 and C1 controls (but newline and tab), DEL, the bidirectional controls. */
// eslint-disable-next-line no-control-regex
const ACTIVE_CHARACTER = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Makes untrusted text (device names from an inventory or an FMC, appliance output, messages that
 * quote them) safe to write on a terminal: escape sequences (colours, cursor moves, window titles,
 * hyperlinks) are dropped, and any other control character, DEL or bidirectional control is shown
 * as an escape (`\r`, `\x1b`, `\u{202e}`) so it is seen rather than obeyed. Newlines, tabs and
 * printable text (any script) are kept as they are. The CLI's text output and error messages go
 * through it; JSON output is escaped by {@link terminalSafeJson}.
 *
 * @example
 * ```ts
 * terminalSafe('FTD-1\x1b]0;owned\x07\r'); // 'FTD-1\\r'
 * ```
 */
export function terminalSafe(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(ACTIVE_CHARACTER, (character) => {
    if (character === '\r') return '\\r';
    const code = character.codePointAt(0) ?? 0;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * Escapes, in a JSON text, the characters `JSON.stringify` leaves raw that a terminal acts on
 * (DEL, C1 controls, bidirectional controls) as `\uXXXX`: the document parses to the same value.
 */
export function terminalSafeJson(json: string): string {
  // eslint-disable-next-line no-control-regex
  return json.replace(/[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
