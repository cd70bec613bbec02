/**
 * A Dockerfile read as the builders read it: parser directives (`# escape=`), comments,
 * line continuations (the escape character at a line's end; comment lines inside are
 * dropped), heredocs (`RUN <<EOF` … `EOF`, `<<-EOF` strips leading tabs), stages (`FROM …
 * AS name`), and the lines each instruction spans, for lenses and diagnostics.
 */

export interface Instruction {
  /** Upper case: RUN, COPY, ENV… */
  keyword: string;
  /** What follows the keyword, continuations joined as the builder joins them (escape and newline removed). */
  args: string;
  /** Heredoc bodies, in order, each without its terminator line. */
  heredocs: string[];
  /** 0-based line of the keyword, and of the instruction's last line. */
  line: number;
  endLine: number;
}

export interface Stage {
  index: number;
  /** `AS name`, lower case as the builder treats it. */
  name?: string;
  /** The image or stage it starts from, as written. */
  from: string;
  fromLine: number;
  /** Every instruction after FROM, in order. */
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM (usable in FROM lines), with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
  escape: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(\S+)\s*$/;
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

export function parseDockerfile(text: string): Dockerfile {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i]);
    if (!m) {
      break;
    }
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) {
      escape = m[2];
    }
  }
  const instructions: Instruction[] = [];
  while (i < lines.length) {
    const trimmed = lines[i].trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    const start = i;
    let joined = '';
    // Continuations: a line ending with the escape character goes on to the next one;
    // comment and empty lines in between are dropped, as the builder does.
    for (;;) {
      const line = lines[i];
      const body = line.replace(/\s+$/, '');
      if (body.endsWith(escape) && i + 1 < lines.length) {
        joined += body.slice(0, -1);
        i++;
        while (i < lines.length && (lines[i].trim().startsWith('#') || lines[i].trim() === '')) {
          i++;
        }
        continue;
      }
      joined += line;
      i++;
      break;
    }
    const match = /^\s*(\S+)\s*(.*)$/s.exec(joined);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = (match?.[2] ?? '').trim();
    const heredocs: string[] = [];
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      for (const h of args.matchAll(HEREDOC)) {
        const [, dash, , word] = h;
        const body: string[] = [];
        while (i < lines.length && (dash ? lines[i].replace(/^\t+/, '') : lines[i]) !== word) {
          body.push(dash ? lines[i].replace(/^\t+/, '') : lines[i]);
          i++;
        }
        i++; // the terminator
        heredocs.push(body.join('\n'));
      }
    }
    instructions.push({ keyword, args, heredocs, line: start, endLine: Math.max(start, i - 1) });
  }

  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const as = parts.findIndex((p) => p.toLowerCase() === 'as');
      stages.push({ index: stages.length, from: parts[0] ?? '', name: as > 0 ? parts[as + 1]?.toLowerCase() : undefined, fromLine: ins.line, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        for (const [name, value] of argDeclarations(ins.args)) {
          globalArgs.set(name, value);
        }
      }
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return { globalArgs, stages, escape };
}

/** `ARG A=1 B` → [["A","1"], ["B", undefined]]. */
export function argDeclarations(args: string): Array<[string, string | undefined]> {
  return splitWords(args).map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, undefined] : [w.slice(0, eq), unquote(w.slice(eq + 1))];
  });
}

/** Words, keeping quoted parts together (`A="x y" B=2` → two words). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quote) {
      current += c;
      if (c === quote) {
        quote = undefined;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (/\s/.test(c)) {
      if (current) {
        words.push(current);
        current = '';
      }
    } else {
      current += c;
    }
  }
  if (current) {
    words.push(current);
  }
  return words;
}

export function unquote(text: string): string {
  return text.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` from `vars`; unknown ones are left as written. */
export function expandVariables(text: string, vars: Map<string, string | undefined>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = vars.get(name);
    if (op === '-') {
      return value ? value : (word ?? '');
    }
    if (op === '+') {
      return value ? (word ?? '') : '';
    }
    return value !== undefined ? value : whole;
  });
}
