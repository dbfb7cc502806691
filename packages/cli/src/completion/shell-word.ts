/**
 * `text` as one single-quoted word of a POSIX shell (bash, zsh): `it's` becomes `'it'\''s'`.
 *
 * @param text - any text
 */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
