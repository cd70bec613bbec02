/**
 * The "Field: value" paragraphs that dpkg's status (deb-control(5)) and Python's METADATA
 * (the email header format of the core metadata spec) share: a line starting with a space
 * or a tab continues the field before it, a blank line ends a paragraph.
 */

/** Field names as written; a repeated field (Classifier) keeps every value. */
export type Paragraph = Map<string, string[]>;

export function paragraphs(text: string, onlyFirst = false): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph | undefined;
  let last: string[] | undefined;
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed.trim() === '') {
      if (current) {
        out.push(current);
        current = undefined;
        last = undefined;
        if (onlyFirst) {
          return out;
        }
      }
      continue;
    }
    if ((trimmed[0] === ' ' || trimmed[0] === '\t') && last) {
      last[last.length - 1] += `\n${trimmed.trim()}`;
      continue;
    }
    const colon = trimmed.indexOf(':');
    if (colon <= 0) {
      // Not a field: tolerated (the caller checks the fields it needs).
      continue;
    }
    current ??= new Map();
    const name = trimmed.slice(0, colon);
    const value = trimmed.slice(colon + 1).trim();
    const values = current.get(name) ?? [];
    values.push(value);
    current.set(name, values);
    last = values;
  }
  if (current) {
    out.push(current);
  }
  return out;
}

/** A field's first value. */
export function field(p: Paragraph, name: string): string | undefined {
  return p.get(name)?.[0];
}
