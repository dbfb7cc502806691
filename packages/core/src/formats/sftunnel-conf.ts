import { SftunnelCaError } from '../errors/sftunnel-ca-error.js';

/** Where a node of sftunnel.conf stands: 1-based line and column, and its offsets in the text. */
export interface SftunnelConfSpan {
  /** 1-based line of the node's first character. */
  readonly line: number;
  /** 1-based column of the node's first character. */
  readonly column: number;
  /** Offset of the first character in the text. */
  readonly start: number;
  /** Offset just past the last character (after `;` or `}`). */
  readonly end: number;
}

/** A `key value;` directive. */
export interface SftunnelConfDirective extends SftunnelConfSpan {
  /** Tells the node kinds apart. */
  readonly kind: 'directive';
  /** The directive's name, e.g. `proxy_cacert`. */
  readonly key: string;
  /** The spaces and tabs between key and value, as written. */
  readonly separator: string;
  /** The value as written, without the spaces before `;` (quotes kept); empty for `key;`. */
  readonly value: string;
  /** Offset of the value's first character. */
  readonly valueStart: number;
  /** Offset just past the value's last character. */
  readonly valueEnd: number;
}

/** A `name [label] { … }` block, optionally followed by `;` as the appliance writes it. */
export interface SftunnelConfBlock extends SftunnelConfSpan {
  /** Tells the node kinds apart. */
  readonly kind: 'block';
  /** The block's name, e.g. `proxyssl`. */
  readonly name: string;
  /** Whatever stands between the name and `{` (trimmed); usually empty. */
  readonly label: string;
  /** Directives, blocks, comments and blank lines inside the braces, in order. */
  readonly children: readonly SftunnelConfNode[];
  /** Offset of the closing `}`. */
  readonly closeStart: number;
  /** Whether the closing `}` is followed by `;`. */
  readonly closingSemicolon: boolean;
}

/** A `#` comment, up to the end of its line. */
export interface SftunnelConfComment extends SftunnelConfSpan {
  /** Tells the node kinds apart. */
  readonly kind: 'comment';
  /** The comment as written, from `#`, without the line break. */
  readonly text: string;
}

/** A line holding nothing but spaces and tabs. */
export interface SftunnelConfBlankLine {
  /** Tells the node kinds apart. */
  readonly kind: 'blank';
  /** 1-based line number. */
  readonly line: number;
}

/** One node of the sftunnel.conf model. */
export type SftunnelConfNode = SftunnelConfDirective | SftunnelConfBlock | SftunnelConfComment | SftunnelConfBlankLine;

/** A path to a directive or block: `'proxyssl.proxy_cacert'` or `['proxyssl', 'proxy_cacert']`. */
export type SftunnelConfPath = string | readonly string[];

/** Options of {@link SftunnelConf.parse}. */
export interface SftunnelConfParseOptions {
  /** The file name to put in errors. Default `sftunnel.conf`. */
  readonly file?: string;
}

const MAX_DEPTH = 64;
const HORIZONTAL_SPACE = new Set([' ', '\t', '\f', '\v', '\r']);
const NOT_IN_KEY = new Set([...HORIZONTAL_SPACE, '\n', ';', '{', '}', '#', '"']);
const ENDS_VALUE = new Set(['\n', '\r', ';', '{', '}', '#']);

/**
 * A lossless model of sftunnel.conf: blocks of `key value;` directives, comments, blank
 * lines, spacing and order, exactly as written.
 *
 * The model is immutable: {@link SftunnelConf.set}, {@link SftunnelConf.add} and
 * {@link SftunnelConf.remove} return a new model that differs from this one only in the text
 * they touch, so {@link SftunnelConf.toString} of an unchanged model is byte-identical to the
 * input and changing a directive changes only its line.
 *
 * @example
 * ```ts
 * const conf = SftunnelConf.parse(text, { file: '/etc/sf/sftunnel.conf' });
 * conf.get('proxyssl.proxy_cacert'); // '/etc/sf/ca_root/cacert.pem'
 * const staged = conf.set('proxyssl.proxy_cacert', '/var/tmp/renewal/cacert.pem');
 * await host.writeFileAtomic('/etc/sf/sftunnel.conf', staged.toString());
 * ```
 */
export class SftunnelConf {
  /** The top-level nodes, in order. */
  readonly nodes: readonly SftunnelConfNode[];
  readonly #text: string;
  readonly #file: string;

  private constructor(text: string, file: string) {
    this.#text = text;
    this.#file = file;
    this.nodes = new ConfParser(text, file).parse();
  }

  /**
   * Reads sftunnel.conf. Every input it accepts prints back byte for byte.
   *
   * @param text - the file's content
   * @param options - the file name for errors
   * @throws SftunnelCaError `SFTUNNEL_CONF_SYNTAX` with the line and column of the first error
   */
  static parse(text: string, options: SftunnelConfParseOptions = {}): SftunnelConf {
    return new SftunnelConf(text, options.file ?? 'sftunnel.conf');
  }

  /** The file's text: the input as given, with this model's edits. */
  toString(): string {
    return this.#text;
  }

  /**
   * The value of the first directive at `path` (blocks of the same name aside), or `undefined` when there is none.
   *
   * @param path - e.g. `'proxyssl.proxy_cacert'`
   */
  get(path: SftunnelConfPath): string | undefined {
    return this.#firstDirective(path)?.value;
  }

  /** The first directive or block at `path`, or `undefined`. */
  find(path: SftunnelConfPath): SftunnelConfDirective | SftunnelConfBlock | undefined {
    return this.findAll(path)[0];
  }

  /** Every directive or block at `path` (blocks and keys may repeat), in order. */
  findAll(path: SftunnelConfPath): readonly (SftunnelConfDirective | SftunnelConfBlock)[] {
    const segments = toSegments(path);
    let containers: readonly (readonly SftunnelConfNode[])[] = [this.nodes];
    for (const segment of segments.slice(0, -1)) {
      containers = containers.flatMap((nodes) => nodes.filter((n): n is SftunnelConfBlock => n.kind === 'block' && n.name === segment).map((b) => b.children));
    }
    const last = segments[segments.length - 1];
    return containers.flatMap((nodes) =>
      nodes.filter((n): n is SftunnelConfDirective | SftunnelConfBlock => (n.kind === 'directive' && n.key === last) || (n.kind === 'block' && n.name === last)),
    );
  }

  /**
   * A model with the value of the first directive at `path` replaced (blocks of the same name
   * aside); only that line changes.
   *
   * @param path - an existing directive, e.g. `'proxyssl.proxy_cacert'`
   * @param value - the new value, one line without `;`, `{`, `}` or `#` outside quotes
   * @throws SftunnelCaError `SFTUNNEL_CONF_NOT_FOUND` when there is no such directive (use
   *   {@link SftunnelConf.add}); `INVALID_ARGUMENT` when the value cannot be written as is
   */
  set(path: SftunnelConfPath, value: string): SftunnelConf {
    const node = this.#directive(path);
    this.#checkDirective(node.key, value);
    const gap = node.separator === '' && node.value === '' && value !== '' ? ' ' : '';
    return this.#splice(node.valueStart, node.valueEnd, gap + value);
  }

  /**
   * A model with a new directive at the end of its block, indented and aligned like its
   * siblings. Blocks on the path that do not exist yet are created at the end of their parent.
   *
   * @param path - the new directive's path, e.g. `'proxyssl.proxy_ocsp'`
   * @param value - its value (see {@link SftunnelConf.set})
   * @throws SftunnelCaError `INVALID_ARGUMENT` when the key or value cannot be written as is
   */
  add(path: SftunnelConfPath, value: string): SftunnelConf {
    const segments = toSegments(path);
    const key = segments[segments.length - 1] ?? '';
    this.#checkDirective(key, value);
    let parent: SftunnelConfBlock | undefined;
    let depth = 0;
    for (; depth < segments.length - 1; depth += 1) {
      const found = this.find(segments.slice(0, depth + 1));
      if (found?.kind !== 'block') break;
      parent = found;
    }
    const siblings = parent === undefined ? this.nodes : parent.children;
    const indent = this.#childIndent(parent, siblings);
    const missing = segments.slice(depth, -1);
    const firstDirective = siblings.find((n): n is SftunnelConfDirective => n.kind === 'directive');
    const separator = missing.length === 0 && firstDirective !== undefined ? alignedSeparator(firstDirective, key) : ' ';
    const unit = this.#indentUnit();
    const close = this.#blockClose();
    const lines = [
      ...missing.map((name, i) => `${unit.repeat(i)}${name} {`),
      `${unit.repeat(missing.length)}${key}${separator}${value};`,
      ...missing.map((_, i) => `${unit.repeat(missing.length - 1 - i)}${close}`),
    ];
    return this.#insert(parent, indent, lines);
  }

  /**
   * A model without the first directive or block at `path`. When it stands alone on its
   * lines, those lines go; otherwise only the statement does.
   *
   * @throws SftunnelCaError `SFTUNNEL_CONF_NOT_FOUND` when there is nothing at `path`
   */
  remove(path: SftunnelConfPath): SftunnelConf {
    const node = this.find(path) ?? this.#notFound(path);
    const text = this.#text;
    const lineStart = text.lastIndexOf('\n', node.start - 1) + 1;
    const newline = text.indexOf('\n', node.end);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    if (isBlank(text.slice(lineStart, node.start)) && isBlank(text.slice(node.end, lineEnd))) {
      return this.#splice(lineStart, lineEnd, '');
    }
    let end = node.end;
    while (end < text.length && HORIZONTAL_SPACE.has(text[end] ?? '')) end += 1;
    return this.#splice(node.start, end, '');
  }

  #firstDirective(path: SftunnelConfPath): SftunnelConfDirective | undefined {
    return this.findAll(path).find((n): n is SftunnelConfDirective => n.kind === 'directive');
  }

  #directive(path: SftunnelConfPath): SftunnelConfDirective {
    const directive = this.#firstDirective(path);
    if (directive !== undefined) return directive;
    const block = this.find(path) ?? this.#notFound(path);
    throw new SftunnelCaError('INVALID_ARGUMENT', `${toSegments(path).join('.')} is a block, not a directive`, this.#at(block));
  }

  #notFound(path: SftunnelConfPath): never {
    throw new SftunnelCaError('SFTUNNEL_CONF_NOT_FOUND', `${this.#file} has no directive or block ${toSegments(path).join('.')}`, { file: this.#file });
  }

  #checkDirective(key: string, value: string): void {
    const nodes = new ConfParser(`${key} ${value};`, 'value').tryParse();
    const directive = nodes?.length === 1 ? nodes[0] : undefined;
    if (directive?.kind !== 'directive' || directive.key !== key || directive.value !== value) {
      throw new SftunnelCaError(
        'INVALID_ARGUMENT',
        `cannot write directive ${JSON.stringify(key)} with value ${JSON.stringify(value)}: a key is one word, a value one line without leading or trailing spaces, and neither holds ; { } or # outside quotes`,
        { file: this.#file },
      );
    }
  }

  #insert(parent: SftunnelConfBlock | undefined, indent: string, lines: readonly string[]): SftunnelConf {
    const text = this.#text;
    const newline = text.includes('\r\n') ? '\r\n' : '\n';
    const block = lines.map((l) => indent + l + newline).join('');
    if (parent === undefined) {
      const gap = text === '' || text.endsWith('\n') ? '' : newline;
      return this.#splice(text.length, text.length, gap + block);
    }
    const lineStart = text.lastIndexOf('\n', parent.closeStart - 1) + 1;
    if (lineStart > parent.start && isBlank(text.slice(lineStart, parent.closeStart))) {
      return this.#splice(lineStart, lineStart, block);
    }
    const before = HORIZONTAL_SPACE.has(text[parent.closeStart - 1] ?? '') ? '' : ' ';
    return this.#splice(parent.closeStart, parent.closeStart, `${before}${lines.map((l) => l.trim()).join(' ')} `);
  }

  #childIndent(parent: SftunnelConfBlock | undefined, siblings: readonly SftunnelConfNode[]): string {
    const last = siblings.filter((n): n is Exclude<SftunnelConfNode, SftunnelConfBlankLine> => n.kind !== 'blank').at(-1);
    if (last !== undefined) return this.#indentOf(last);
    return parent === undefined ? '' : this.#indentOf(parent) + this.#indentUnit();
  }

  /** The spaces before a node when it starts its line, else none. */
  #indentOf(node: SftunnelConfSpan): string {
    const lineStart = this.#text.lastIndexOf('\n', node.start - 1) + 1;
    const before = this.#text.slice(lineStart, node.start);
    return isBlank(before) ? before : '';
  }

  /** The indentation step of the file: that of the first indented child of a top-level block, else two spaces. */
  #indentUnit(): string {
    for (const node of this.nodes) {
      if (node.kind !== 'block') continue;
      const child = node.children.find((c): c is Exclude<SftunnelConfNode, SftunnelConfBlankLine> => c.kind !== 'blank');
      const indent = child === undefined ? '' : this.#indentOf(child);
      const outer = this.#indentOf(node);
      if (indent.length > outer.length && indent.startsWith(outer)) return indent.slice(outer.length);
    }
    return '  ';
  }

  /** How the file closes its blocks: `};` as the appliance writes them, or `}`. */
  #blockClose(): string {
    const block = this.nodes.find((n): n is SftunnelConfBlock => n.kind === 'block');
    return block === undefined || block.closingSemicolon ? '};' : '}';
  }

  #splice(start: number, end: number, insert: string): SftunnelConf {
    return new SftunnelConf(this.#text.slice(0, start) + insert + this.#text.slice(end), this.#file);
  }

  #at(node: SftunnelConfSpan): { file: string; line: number; column: number } {
    return { file: this.#file, line: node.line, column: node.column };
  }
}

function toSegments(path: SftunnelConfPath): readonly string[] {
  const segments = typeof path === 'string' ? path.split('.') : path;
  if (segments.length === 0 || segments.some((s) => s === '')) {
    throw new SftunnelCaError('INVALID_ARGUMENT', `${JSON.stringify(path)} is not a path such as proxyssl.proxy_cacert`);
  }
  return segments;
}

function isBlank(text: string): boolean {
  return [...text].every((c) => HORIZONTAL_SPACE.has(c) || c === '\n');
}

/** Spaces that put a new key's value in the same column as the sibling's, at least one. */
function alignedSeparator(sibling: SftunnelConfDirective, key: string): string {
  if (!/^ *$/.test(sibling.separator)) return ' ';
  return ' '.repeat(Math.max(1, sibling.key.length + sibling.separator.length - key.length));
}

/** A recursive-descent reader that accounts for every character of the text. */
class ConfParser {
  #pos = 0;
  #line = 1;
  #lineStart = 0;
  #lineHasContent = false;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  parse(): readonly SftunnelConfNode[] {
    return this.#container(undefined, 0);
  }

  /** The nodes, or `undefined` when the text is not valid. */
  tryParse(): readonly SftunnelConfNode[] | undefined {
    try {
      return this.parse();
    } catch (error) {
      if (error instanceof SftunnelCaError) return undefined;
      throw error;
    }
  }

  #container(open: { line: number; column: number; name: string } | undefined, depth: number): readonly SftunnelConfNode[] {
    const text = this.text;
    const nodes: SftunnelConfNode[] = [];
    for (;;) {
      this.#skipSpace(nodes);
      const c = text[this.#pos];
      if (c === undefined) {
        if (open !== undefined) this.#fail(`block ${JSON.stringify(open.name)} is not closed by \`}\` before the end of the file`, open);
        return Object.freeze(nodes);
      }
      this.#lineHasContent = true;
      if (c === '}') {
        if (open === undefined) this.#fail('`}` closes no block');
        return Object.freeze(nodes);
      }
      if (c === '#') nodes.push(this.#comment());
      else if (NOT_IN_KEY.has(c)) this.#fail(`expected a directive or block name, found ${JSON.stringify(c)}`);
      else nodes.push(this.#statement(depth));
    }
  }

  #skipSpace(nodes: SftunnelConfNode[]): void {
    const text = this.text;
    for (;;) {
      const c = text[this.#pos];
      if (c === '\n') {
        if (!this.#lineHasContent) nodes.push(Object.freeze({ kind: 'blank', line: this.#line }));
        this.#pos += 1;
        this.#line += 1;
        this.#lineStart = this.#pos;
        this.#lineHasContent = false;
      } else if (c !== undefined && HORIZONTAL_SPACE.has(c)) {
        this.#pos += 1;
      } else {
        return;
      }
    }
  }

  #comment(): SftunnelConfComment {
    const start = this.#pos;
    const span = this.#here();
    let end = this.text.indexOf('\n', start);
    if (end === -1) end = this.text.length;
    if (this.text[end - 1] === '\r') end -= 1;
    this.#pos = end;
    return Object.freeze({ kind: 'comment', ...span, end, text: this.text.slice(start, end) });
  }

  #statement(depth: number): SftunnelConfDirective | SftunnelConfBlock {
    const text = this.text;
    const span = this.#here();
    while (this.#pos < text.length && !NOT_IN_KEY.has(text[this.#pos] ?? '')) this.#pos += 1;
    const key = text.slice(span.start, this.#pos);
    const separatorStart = this.#pos;
    while (text[this.#pos] === ' ' || text[this.#pos] === '\t') this.#pos += 1;
    const separator = text.slice(separatorStart, this.#pos);
    const valueStart = this.#pos;
    this.#scanValue();
    let valueEnd = this.#pos;
    while (valueEnd > valueStart && (text[valueEnd - 1] === ' ' || text[valueEnd - 1] === '\t')) valueEnd -= 1;
    const value = text.slice(valueStart, valueEnd);

    const terminator = text[this.#pos];
    if (terminator === ';') {
      this.#pos += 1;
      return Object.freeze({ kind: 'directive', ...span, end: this.#pos, key, separator, value, valueStart, valueEnd });
    }
    if (terminator !== '{') this.#fail(`directive ${JSON.stringify(key)} is not ended by \`;\``);
    if (depth >= MAX_DEPTH) this.#fail(`blocks are nested more than ${MAX_DEPTH} deep`);
    this.#pos += 1;
    const children = this.#container({ ...span, name: key }, depth + 1);
    const closeStart = this.#pos;
    this.#pos += 1;
    let after = this.#pos;
    while (text[after] === ' ' || text[after] === '\t') after += 1;
    const closingSemicolon = text[after] === ';';
    if (closingSemicolon) this.#pos = after + 1;
    return Object.freeze({ kind: 'block', ...span, end: this.#pos, name: key, label: value, children, closeStart, closingSemicolon });
  }

  /** Advances over a value: anything up to `;`, `{`, `}`, `#` or the line's end; `"…"` may hold those. */
  #scanValue(): void {
    const text = this.text;
    while (this.#pos < text.length) {
      const c = text[this.#pos] ?? '';
      if (ENDS_VALUE.has(c)) return;
      if (c !== '"') {
        this.#pos += 1;
        continue;
      }
      const quote = this.#here();
      this.#pos += 1;
      while (this.#pos < text.length && text[this.#pos] !== '"' && text[this.#pos] !== '\n') {
        this.#pos += text[this.#pos] === '\\' && text[this.#pos + 1] !== '\n' && this.#pos + 1 < text.length ? 2 : 1;
      }
      if (text[this.#pos] !== '"') this.#fail('a quoted value is not closed on its line', quote);
      this.#pos += 1;
    }
  }

  #here(): { line: number; column: number; start: number } {
    return { line: this.#line, column: this.#pos - this.#lineStart + 1, start: this.#pos };
  }

  #fail(message: string, at: { line: number; column: number } = this.#here()): never {
    throw new SftunnelCaError('SFTUNNEL_CONF_SYNTAX', message, { file: this.file, line: at.line, column: at.column, step: 'parse' });
  }
}
