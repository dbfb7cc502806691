import fc from 'fast-check';
import { encodePem, parsePem } from '../src/pki/pem.js';

/**
 * Damaged copies of a real PEM block, so that fuzzing reaches the DER parsers behind the PEM
 * layer: bytes flipped, the DER cut short or grown, or its start replaced; the label kept.
 */
export function damagedPem(pem: string): fc.Arbitrary<string> {
  const [block] = parsePem(pem);
  if (block === undefined) throw new Error('damagedPem needs a PEM block');
  const der = block.der;
  const flips = fc.array(fc.tuple(fc.nat({ max: der.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((changes) => {
    const copy = der.slice();
    for (const [at, xor] of changes) copy[at] = (copy[at] ?? 0) ^ xor;
    return copy;
  });
  const cut = fc.nat({ max: der.length - 1 }).map((length) => der.slice(0, length));
  const grown = fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Uint8Array.from([...der, ...tail]));
  const newStart = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((start) => Uint8Array.from([...start, ...der.slice(start.length)]));
  return fc.oneof(flips, cut, grown, newStart).map((bytes) => encodePem(block.label, bytes));
}

/** Arbitrary text for a parser of PEM files: unicode, binary, PEM-shaped noise. */
export function pemShapedText(): fc.Arbitrary<string> {
  const label = fc.constantFrom('CERTIFICATE', 'RSA PRIVATE KEY', 'PRIVATE KEY', 'X509 CRL', 'EC PRIVATE KEY', 'FOO');
  const body = fc.array(fc.oneof(fc.base64String({ maxLength: 64 }), fc.string({ maxLength: 20 }), fc.constant('Proc-Type: 4,ENCRYPTED')), { maxLength: 6 });
  const block = fc.tuple(label, body, label, fc.boolean()).map(([begin, lines, end, closed]) => [`-----BEGIN ${begin}-----`, ...lines, ...(closed ? [`-----END ${end}-----`] : [])].join('\n'));
  return fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), block, fc.array(block, { maxLength: 3 }).map((b) => b.join('\n')));
}
