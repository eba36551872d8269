// Text that came from untrusted input (certificate names, file names, YAML keys) is shown to people
// in terminals, CI logs and code-scanning UIs. A newline in it could forge extra log lines or GitHub
// workflow commands (`::error ...`), an ANSI escape could repaint the terminal ("✔ 0 errors"), and
// bidirectional overrides could make a name read differently from what it is (Trojan Source).
// Everything rc-policy prints about its input goes through `printable` first.

// C0 controls, DEL, C1 controls, the Unicode line/paragraph separators and the bidi embedding,
// override and isolate controls.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const escape = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * One line of plain text: control, separator and bidi characters escaped as `\xNN` / `\uNNNN`, and
 * at most `max` characters (an absurdly long value is cut and marked, so one field cannot flood the
 * output).
 */
export function printable(text: string, max = 4096): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
  return cut.replace(UNPRINTABLE, escape);
}

/** Whether `text` would print as one line with no control characters. */
export const isPrintable = (text: string): boolean => !new RegExp(UNPRINTABLE.source, 'u').test(text);
