import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectCodedError, onlyCodedErrors } from '../../test/expect-coded-error.js';
import { fuzzRuns } from '../testing/fuzz-runs.js';
import { sharedFixture } from '../../test/shared-fixture.js';
import { SftunnelConf, type SftunnelConfDirective, type SftunnelConfNode } from './sftunnel-conf.js';

const FIXTURE = sharedFixture('sftunnel.conf');

/** Every directive of a model with the path of blocks that holds it. */
function directives(nodes: readonly SftunnelConfNode[], parents: readonly string[] = []): { path: string[]; node: SftunnelConfDirective }[] {
  return nodes.flatMap((n) => {
    if (n.kind === 'directive') return [{ path: [...parents, n.key], node: n }];
    if (n.kind === 'block') return directives(n.children, [...parents, n.name]);
    return [];
  });
}

function changedLines(before: string, after: string): number[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i + 1]));
}

// A generated configuration: blocks, directives, comments and blank lines with varied spacing.
const key = fc.stringMatching(/^[a-z_][a-z0-9_-]{0,11}$/);
const value = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_./:=-]{1,24}$/), fc.stringMatching(/^"[^"\\\n\r]{0,12}"$/));
const gap = fc.stringMatching(/^[ \t]{1,5}$/);
const indent = fc.stringMatching(/^[ \t]{0,4}$/);
const trailing = fc.oneof(fc.constant(''), fc.stringMatching(/^[ \t]{0,2}# ?[a-z ]{0,10}$/));
const directiveLine = fc.tuple(indent, key, gap, value, trailing).map(([i, k, g, v, t]) => `${i}${k}${g}${v};${t}\n`);
const otherLine = fc.oneof(indent.map((i) => `${i}\n`), fc.tuple(indent, fc.stringMatching(/^#[^\n\r]{0,20}$/)).map(([i, c]) => `${i}${c}\n`));
const block = fc
  .tuple(indent, key, fc.array(fc.oneof({ weight: 3, arbitrary: directiveLine }, otherLine), { maxLength: 8 }), fc.boolean())
  .map(([i, name, lines, semicolon]) => `${i}${name} {\n${lines.join('')}${i}}${semicolon ? ';' : ''}\n`);
const configuration = fc.array(fc.oneof(block, directiveLine, otherLine), { maxLength: 8 }).map((parts) => parts.join(''));
const confAlphabet = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '\n', '\r', ';', '{', '}', '#', '"', '\\', '.'), maxLength: 80 });

describe('SftunnelConf', () => {
  it('does print the fixture back byte for byte', () => {
    expect(SftunnelConf.parse(FIXTURE).toString()).toBe(FIXTURE);
  });

  it('does read a directive by dotted or array path', () => {
    const conf = SftunnelConf.parse(FIXTURE);
    expect(conf.get('proxyssl.proxy_cacert')).toBe('/etc/sf/ca_root/cacert.pem');
    expect(conf.get(['proxyssl', 'proxy_tls_version'])).toBe('TLSv1.2');
    expect(conf.get('proxyssl.absent')).toBeUndefined();
    expect(conf.get('proxyssl')).toBeUndefined();
    expect(conf.find('proxyssl')).toMatchObject({ kind: 'block', name: 'proxyssl', line: 1, column: 1, closingSemicolon: true });
  });

  it('does model comments, blank lines, spacing, order and labels', () => {
    const conf = SftunnelConf.parse('# head\r\n\r\npeer 10.0.0.1 {\r\n\tuuid  "a b;c";  # note\r\n  flag;\r\n}\r\n');
    const [comment, blank, peer] = conf.nodes;
    expect(comment).toMatchObject({ kind: 'comment', text: '# head', line: 1 });
    expect(blank).toEqual({ kind: 'blank', line: 2 });
    expect(peer).toMatchObject({ kind: 'block', name: 'peer', label: '10.0.0.1', closingSemicolon: false, line: 3 });
    expect(peer?.kind === 'block' && peer.children.map((c) => c.kind)).toEqual(['directive', 'comment', 'directive']);
    expect(conf.find('peer.uuid')).toMatchObject({ value: '"a b;c"', separator: '  ', line: 4, column: 2 });
    expect(conf.get('peer.flag')).toBe('');
  });

  it('does change only the line of the directive it sets', () => {
    const conf = SftunnelConf.parse(FIXTURE);
    const next = conf.set('proxyssl.proxy_cacert', '/var/tmp/staged/cacert.pem');
    expect(changedLines(FIXTURE, next.toString())).toEqual([4]);
    expect(next.toString().split('\n')[3]).toBe('  proxy_cacert  /var/tmp/staged/cacert.pem;');
    expect(conf.toString()).toBe(FIXTURE);
  });

  it('does give a valueless directive a space when it sets a value', () => {
    expect(SftunnelConf.parse('flag;\n').set('flag', 'on').toString()).toBe('flag on;\n');
  });

  it('does add a directive at the end of its block, aligned with its siblings', () => {
    const next = SftunnelConf.parse(FIXTURE).add('proxyssl.proxy_ocsp', 'off');
    expect(next.toString()).toBe(FIXTURE.replace('TLSv1.2;\n', 'TLSv1.2;\n  proxy_ocsp    off;\n'));
    expect(next.get('proxyssl.proxy_ocsp')).toBe('off');
  });

  it('does create missing blocks in the file’s style when it adds', () => {
    const next = SftunnelConf.parse(FIXTURE).add('peers.defaults.port', '8305');
    expect(next.toString()).toBe(`${FIXTURE}peers {\n  defaults {\n    port 8305;\n  };\n};\n`);
  });

  it('does add into a block closed on its own line, and at the end of a file without a final line break', () => {
    expect(SftunnelConf.parse('a { b 1; }').add('a.c', '2').toString()).toBe('a { b 1; c 2; }');
    expect(SftunnelConf.parse('a 1;').add('b', '2').toString()).toBe('a 1;\nb 2;\n');
    expect(SftunnelConf.parse('').add('a', '1').toString()).toBe('a 1;\n');
  });

  it('does keep CRLF line breaks when it adds', () => {
    expect(SftunnelConf.parse('s {\r\n  a 1;\r\n};\r\n').add('s.b', '2').toString()).toBe('s {\r\n  a 1;\r\n  b 2;\r\n};\r\n');
  });

  it('does remove a directive with its line, or only the statement when the line holds more', () => {
    const next = SftunnelConf.parse(FIXTURE).remove('proxyssl.proxy_crl');
    expect(next.toString()).toBe(FIXTURE.replace('  proxy_crl     /etc/sf/ca_root/crl.pem;\n', ''));
    expect(SftunnelConf.parse('a 1; b 2;\n').remove('a').toString()).toBe('b 2;\n');
    expect(SftunnelConf.parse('x;\ns {\n  a 1;\n};\n').remove('s').toString()).toBe('x;\n');
  });

  it('does refuse syntax errors with their line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['proxyssl {\n  proxy_cert /a\n};\n', 2, 16, /not ended by `;`/],
      ['proxyssl {\n  a 1;\n', 1, 1, /"proxyssl" is not closed/],
      ['a 1;\n}\n', 2, 1, /closes no block/],
      ['a "open;\n', 1, 3, /quoted value is not closed/],
      ['  ;\n', 1, 3, /expected a directive or block name/],
      [`${'a {'.repeat(70)}`, 1, 195, /nested more than 64/],
    ];
    for (const [text, line, column, message] of cases) {
      const error = expectCodedError(() => SftunnelConf.parse(text, { file: '/etc/sf/sftunnel.conf' }), 'SFTUNNEL_CONF_SYNTAX');
      expect({ line: error.line, column: error.column, file: error.file }).toEqual({ line, column, file: '/etc/sf/sftunnel.conf' });
      expect(error.message).toMatch(message);
    }
  });

  it('does refuse to set or remove what is not there, and values it cannot write', () => {
    const conf = SftunnelConf.parse(FIXTURE);
    expectCodedError(() => conf.set('proxyssl.nope', '1'), 'SFTUNNEL_CONF_NOT_FOUND');
    expectCodedError(() => conf.remove('nope'), 'SFTUNNEL_CONF_NOT_FOUND');
    expectCodedError(() => conf.set('proxyssl', '1'), 'INVALID_ARGUMENT');
    expectCodedError(() => conf.get('proxyssl..x'), 'INVALID_ARGUMENT');
    for (const bad of ['a;b', 'a\nb', 'a # b', ' a', 'a ', '{', '"open']) expectCodedError(() => conf.set('proxyssl.proxy_cipher', bad), 'INVALID_ARGUMENT');
    expectCodedError(() => conf.add('proxyssl.bad key', '1'), 'INVALID_ARGUMENT');
  });

  it('property: prints every input it accepts back byte for byte, and throws only SFTUNNEL_CONF_SYNTAX', () => {
    fc.assert(
      fc.property(fc.oneof(confAlphabet, fc.string({ unit: 'binary', maxLength: 80 }), configuration), (text) => {
        onlyCodedErrors(() => expect(SftunnelConf.parse(text).toString()).toBe(text));
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: round-trips generated configurations and reads every directive', () => {
    fc.assert(
      fc.property(configuration, (text) => {
        const conf = SftunnelConf.parse(text);
        expect(conf.toString()).toBe(text);
        for (const { path, node } of directives(conf.nodes)) {
          expect(conf.findAll(path)).toContainEqual(node);
          expect(text.slice(node.start, node.end)).toBe(`${node.key}${node.separator}${node.value};`);
        }
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: set changes only the line of the directive it sets', () => {
    fc.assert(
      fc.property(configuration, fc.nat(), value, (text, pick, newValue) => {
        const conf = SftunnelConf.parse(text);
        const all = directives(conf.nodes);
        const picked = all[pick % Math.max(1, all.length)];
        fc.pre(picked !== undefined);
        const { path } = picked;
        const target = conf.findAll(path).find((n) => n.kind === 'directive');
        const next = conf.set(path, newValue);
        expect(next.get(path)).toBe(newValue);
        const changed = changedLines(text, next.toString());
        expect(changed.length <= 1 && changed.every((l) => l === target?.line)).toBe(true);
      }),
      { numRuns: fuzzRuns() },
    );
  });

  it('property: add then remove gives the input back', () => {
    fc.assert(
      fc.property(configuration, key, value, (text, newKey, newValue) => {
        const conf = SftunnelConf.parse(text);
        const name = `zz_${newKey}`;
        const added = conf.add(name, newValue);
        expect(added.findAll(name).at(-1)).toMatchObject({ value: newValue });
        fc.pre(conf.findAll(name).length === 0);
        const removed = added.remove(name).toString();
        expect(removed === text || (!text.endsWith('\n') && removed === `${text}\n`)).toBe(true);
      }),
      { numRuns: fuzzRuns() },
    );
  });
});
