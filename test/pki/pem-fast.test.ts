// The well-formed PEM fast path (wellFormedBlocks in src/pki/pem.ts) must be invisible: for any file
// it accepts, decodeCertificates gives exactly what the line-by-line reader gives. Two blank lines
// appended to a file change nothing for the line reader and always send it there, so comparing a
// file with its padded twin compares the two readers.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { certificatePool } from '../../src/pki/cert.ts';
import { decodeCertificates, PemBlockCache, toPem, wellFormedBlocks } from '../../src/pki/pem.ts';
import { testPki } from '../helpers/estate.ts';

let ders: Uint8Array[];

beforeAll(async () => {
  const pki = await testPki();
  const leaf = (await pki.server('fast.example')).cert.der;
  // The last one is not a certificate: its parse error carries the block's line number.
  ders = [pki.root.cert.der, pki.serverCa.cert.der, leaf, leaf.subarray(0, 200)];
});

const summary = (data: Buffer) => {
  const d = decodeCertificates(data, 'x.pem');
  return { certs: d.certs.map((c) => Buffer.from(c.der).toString('hex')), privateKeys: d.privateKeys, pkcs12: d.pkcs12, problems: d.problems };
};

interface Block {
  readonly cert: number;
  readonly label: string;
  readonly width: number;
  readonly mutation: string;
}

const MUTATIONS = ['none', 'none', 'none', 'crlf', 'blank-line', 'leading-space', 'header', 'pad-middle', 'bad-char', 'no-end', 'trailing-space', 'junk-before'];

function render(blocks: readonly Block[], finalNewline: boolean): string {
  const out = blocks.map((b) => {
    const b64 = Buffer.from(ders[b.cert]!).toString('base64');
    let lines: string[] = [...b64.match(new RegExp(`.{1,${b.width}}`, "g"))!];
    if (b.mutation === 'blank-line') lines.splice(1, 0, '');
    if (b.mutation === 'leading-space') lines = lines.map((l, i) => (i === 1 ? ` ${l}` : l));
    if (b.mutation === 'header') lines.unshift('Proc-Type: 4,ENCRYPTED', '');
    if (b.mutation === 'pad-middle') lines[0] = `${lines[0]!.slice(0, -1)}=`;
    if (b.mutation === 'bad-char') lines[1] = `${lines[1]!.slice(0, -1)}!`;
    if (b.mutation === 'trailing-space') lines[0] = `${lines[0]} `;
    const end = b.mutation === 'no-end' ? [] : [`-----END ${b.label}-----`];
    const text = [`-----BEGIN ${b.label}-----`, ...lines, ...end].join(b.mutation === 'crlf' ? '\r\n' : '\n');
    return (b.mutation === 'junk-before' ? 'subject=CN=x\n' : '') + text;
  });
  return out.join('\n') + (finalNewline ? '\n' : '');
}

const block: fc.Arbitrary<Block> = fc.record({
  cert: fc.integer({ min: 0, max: 3 }),
  label: fc.constantFrom('CERTIFICATE', 'CERTIFICATE', 'CERTIFICATE', 'X509 CERTIFICATE', 'PRIVATE KEY', 'X509 CRL'),
  width: fc.constantFrom(64, 64, 76, 40),
  mutation: fc.constantFrom(...MUTATIONS),
});

describe('well-formed PEM fast path', () => {
  it('gives the line reader\'s result for every file it accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), fc.boolean(), (blocks, finalNewline) => {
        const text = render(blocks, finalNewline);
        if (wellFormedBlocks(Buffer.from(text))) accepted++;
        expect(summary(Buffer.from(text))).toEqual(summary(Buffer.from(`${text}\n\n`)));
      }),
      { numRuns: 600, seed: 6061 },
    );
    expect(accepted).toBeGreaterThan(30); // not vacuous
  });

  it('takes the files certificate tools write: chains with LF or CRLF, with or without a final newline', () => {
    const chain = ders.slice(0, 3).map(toPem).join('');
    for (const text of [chain, chain.trimEnd(), chain.replace(/\n/g, '\r\n')]) {
      expect(wellFormedBlocks(Buffer.from(text))).toHaveLength(3);
      expect(summary(Buffer.from(text))).toEqual(summary(Buffer.from(`${text}\n\n`)));
    }
  });

  it.each([
    ['text before the first block', `subject=CN=x\n${'-'.repeat(5)}BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`],
    ['a blank line between blocks', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    ['a private key block', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'],
    ['an empty block', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'],
    ['padding before the last line', '-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----\n'],
    ['a block that is never closed', '-----BEGIN CERTIFICATE-----\nAAAA\n'],
  ])('declines %s (the line reader reports it)', (_, text) => {
    expect(wellFormedBlocks(Buffer.from(text))).toBeUndefined();
  });
});

describe('known PEM blocks (a CA served in every chain file)', () => {
  it('give the same result as decoding each file on its own, for any sequence of files', () => {
    fc.assert(
      fc.property(fc.array(fc.array(block, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), (files) => {
        const known = new PemBlockCache();
        const parse = certificatePool();
        for (const blocks of files) {
          const text = Buffer.from(render(blocks, true));
          const cached = decodeCertificates(text, 'x.pem', parse, known);
          const alone = decodeCertificates(text, 'x.pem');
          const view = (d: typeof alone) => ({ certs: d.certs.map((c) => Buffer.from(c.der).toString('hex')), privateKeys: d.privateKeys, pkcs12: d.pkcs12, problems: d.problems });
          expect(view(cached)).toEqual(view(alone));
        }
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('returns the one Certificate of a repeated CA block, and keeps no leaf', () => {
    const known = new PemBlockCache();
    const parse = certificatePool();
    const chain = Buffer.from(toPem(ders[2]!) + toPem(ders[1]!)); // leaf + intermediate
    const a = decodeCertificates(chain, 'a.pem', parse, known);
    const b = decodeCertificates(Buffer.from(chain), 'b.pem', parse, known);
    expect(b.certs[1]).toBe(a.certs[1]);
    const block = (der: Uint8Array) => Buffer.from(toPem(der).split('\n').slice(1, -2).join('\n') + '\n');
    expect(known.get(block(ders[1]!))).toBe(a.certs[1]);
    expect(known.get(block(ders[2]!))).toBeUndefined();
  });
});
