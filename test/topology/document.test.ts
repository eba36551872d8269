import { describe, expect, it } from 'vitest';
import { parseSourceDocument } from '../../src/topology/document.ts';
import { InputError } from '../../src/errors.ts';

const parse = (text: string | Uint8Array, file = 'f.yaml') => parseSourceDocument(typeof text === 'string' ? Buffer.from(text) : text, file);
const error = (text: string | Uint8Array) => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
};

describe('reading YAML and JSON with positions', () => {
  it('locates values and keys', () => {
    const d = parse('a:\n  b: [1, {c: 2}]\n');
    expect(d.locate(['a', 'b', 1, 'c'])).toEqual({ file: 'f.yaml', line: 2, column: 14 });
    expect(d.locate(['a', 'b'], true)).toEqual({ file: 'f.yaml', line: 2, column: 3 });
    expect(d.locate(['a', 'missing'])).toEqual({ file: 'f.yaml', line: 2, column: 3 });
  });

  it('reads JSON with positions', () => {
    const d = parse('{\n  "a": {\n    "b": 3\n  }\n}\n', 'f.json');
    expect(d.data).toEqual({ a: { b: 3 } });
    expect(d.locate(['a', 'b'])).toEqual({ file: 'f.json', line: 3, column: 10 });
  });

  it.each([
    ['a syntax error', 'a: [1, 2\nb: 3\n', /^f\.yaml:2:1: YAML: /],
    ['a duplicate key', 'a: 1\nb: 2\na: 3\n', /^f\.yaml:3:1: YAML: duplicate key 'a'$/],
    ['two documents', 'a: 1\n---\nb: 2\n', /^f\.yaml:2:1: expected a single YAML document/],
    ['an empty file', '', /the file is empty/],
    ['non-UTF-8 bytes', new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]), /f\.yaml is not valid UTF-8 text/],
    ['an unknown tag', 'a: !!js/function "x"\n', /YAML: /],
  ])('rejects %s with one line naming file:line', (_, text, pattern) => {
    const msg = error(text);
    expect(msg).toMatch(pattern);
    expect(msg).not.toContain('\n');
  });

  it('strips a UTF-8 BOM', () => {
    expect(parse('\ufeffa: 1\n').data).toEqual({ a: 1 });
  });
});
