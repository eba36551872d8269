// Syntax errors in the words of the person who wrote the file, not the YAML library's: what is
// wrong on the line and how to write it. A file that looks like JSON gets JSON's own diagnosis.

/** `key:value` with no space after the colon: YAML reads it as one plain scalar, and the next line then breaks. */
const NO_SPACE_AFTER_COLON = /^\s*(?:-\s+)?([A-Za-z0-9_.-]+):[^\s/:]/;

/** The YAML library's message, by its error code, in user terms; `lineAt(n)` reads line n (1-based). */
export function yamlProblem(code: string, message: string, line: number, lineAt: (n: number) => string | undefined): { message: string; line?: number } {
  switch (code) {
    case 'MULTILINE_IMPLICIT_KEY':
    case 'MISSING_CHAR': {
      if (code === 'MISSING_CHAR' && /Sequence item without/.test(message)) return misindentedInList(line, lineAt);
      if (code === 'MISSING_CHAR' && !/Implicit map keys/.test(message)) break;
      for (const n of [line, line - 1, line - 2, line + 1]) {
        const m = NO_SPACE_AFTER_COLON.exec(lineAt(n) ?? '');
        // Only the key is echoed: the value may be a secret pasted by mistake.
        if (m) return { message: `YAML: a colon needs a space after it: write '${m[1]}: …', not '${m[1]}:…'`, line: n };
      }
      return code === 'MISSING_CHAR'
        ? { message: "YAML: this line is neither 'key: value' nor a list item '- …' (is a colon missing?)" }
        : { message: "YAML: a key and its value must be on one line as 'key: value' (is a colon or a closing quote missing?)" };
    }
    case 'BAD_INDENT':
      return /Flow/.test(message)
        ? { message: 'YAML: a [list] or {mapping} written on one line is not closed, or continues on a line indented less than its key' }
        : { message: 'YAML: the keys of one mapping must all be indented by the same number of spaces' };
    case 'TAB_AS_INDENT':
      return { message: 'YAML: indent with spaces: YAML does not allow tabs for indentation' };
    case 'BLOCK_AS_IMPLICIT_KEY':
      return { message: "YAML: a value cannot itself be 'key: value' on the same line: quote it, or put the nested keys on their own indented lines" };
  }
  return { message: `YAML: ${message}` };
}

/** Where a key starts on a line: after the indentation, and after a list item's '- '. */
const keyColumn = (text: string): number => /^(\s*(?:-\s+)*)/.exec(text)![1]!.length;

/** A line inside a list, indented less than the keys of the item it belongs to. */
function misindentedInList(line: number, lineAt: (n: number) => string | undefined): { message: string } {
  const own = keyColumn(lineAt(line) ?? '');
  let n = line - 1;
  while (n > 0 && (lineAt(n) ?? '').trim() === '') n--;
  const above = keyColumn(lineAt(n) ?? '');
  return above > own
    ? { message: `YAML: this line is indented by ${own} spaces, the keys above it by ${above}: indent it like them (or start a new list item with '- ')` }
    : { message: "YAML: this line sits inside a list but is not a list item: indent it like the keys of the item above, or start it with '- '" };
}

/** Text that is meant to be JSON: a .json file, or one that starts with { or [. */
export const looksLikeJson = (text: string, file: string): boolean => /\.json$/i.test(file) || /^\s*[{[]/.test(text);

/** JSON.parse's diagnosis of text that is not valid JSON, with its position; undefined when it is valid. */
export function jsonProblem(text: string): { message: string; line?: number; column?: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const raw = (err as Error).message;
    const where = /\(line (\d+) column (\d+)\)/.exec(raw);
    const pos = /at position (\d+)/.exec(raw);
    let line: number | undefined;
    let column: number | undefined;
    if (where) [line, column] = [Number(where[1]), Number(where[2])];
    else if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split('\n').length;
      column = Number(pos[1]) - before.lastIndexOf('\n');
    }
    // Node quotes the text around the error: never echo it (it may hold a secret pasted by mistake).
    const message = raw.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '').replace(/\s*in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the text ends before the JSON does (a } or ] is missing)');
    const said = `JSON: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    return line === undefined ? { message: said } : { message: said, line, column: column! };
  }
}
