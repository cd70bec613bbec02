/**
 * Which history entry of an image each instruction of a Dockerfile stage made. Every
 * builder's history is read: the legacy builder's (`/bin/sh -c #(nop) …`, `COPY
 * file:<hash> in /dst`, `|1 A=1 /bin/sh -c …`), BuildKit's (`RUN /bin/sh -c … # buildkit`,
 * `COPY src /dst # buildkit`) and buildah's (Podman: settings as written, `RUN` in exec
 * form as its JSON), with ARG and ENV values substituted where the builder substitutes
 * them. Instructions are matched from the stage's first one on: the first that does not
 * match is where the Dockerfile changed since the image was built. Labels a build appends
 * after the last instruction (`docker build --label`) do not stop a match.
 */
import { parseBuildStep } from '../../model/buildStep';
import { type Dockerfile, type Instruction, type Stage, argDeclarations, expandVariables, splitWords, unquote } from './dockerfile';

export interface HistoryStep {
  createdBy: string;
  comment?: string;
}

export type StepStatus = 'matched' | 'changed';

export interface StepMatch {
  instruction: Instruction;
  status: StepStatus;
  /** Index in the image's history, base first; for matched steps. */
  historyIndex?: number;
}

export interface StageMatch {
  stage: Stage;
  steps: StepMatch[];
  /** How many instructions match, from the first. */
  matched: number;
  /** Every instruction matched, and the history has no more steps after them but labels the builder appended. */
  complete: boolean;
  /** How many LABEL steps the builder appended after the last instruction (`docker build --label`). */
  appended: number;
  /** The first changed instruction, when the Dockerfile changed since the build. */
  firstChanged?: Instruction;
}

const ws = (s: string) => s.replace(/\s+/g, ' ').trim();
const FLAG = /^--[a-z-]+(=\S*)?$/;

/** The quoted strings of a JSON-ish array as the builders print them (`["a" "b"]`, `["a", "b"]`). */
function stringsOf(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
}

function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(args) as unknown;
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function ports(text: string): string[] {
  return [...text.matchAll(/(\d+)(?:\/(tcp|udp|sctp))?/g)].map((m) => `${m[1]}/${m[2] ?? 'tcp'}`).sort();
}

function keyValues(args: string, vars: Map<string, string | undefined>): Array<[string, string]> {
  const words = splitWords(args);
  // The old form, `ENV NAME value with spaces`: one variable.
  if (words.length > 0 && !words[0].includes('=')) {
    return [[words[0], expandVariables(unquote(args.slice(args.indexOf(words[0]) + words[0].length).trim()), vars)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return [w.slice(0, eq), expandVariables(unquote(w.slice(eq + 1)), vars)];
  });
}

interface Context {
  vars: Map<string, string | undefined>;
  workdir: string;
}

/** Whether an instruction is the step the history recorded; updates ARG/ENV/WORKDIR as the builder would. */
function sameStep(ins: Instruction, step: HistoryStep, ctx: Context): boolean {
  const parsed = parseBuildStep(step.createdBy, step.comment);
  const said = parsed.text.slice(parsed.instruction.length).trim();
  if (parsed.instruction !== ins.keyword) {
    return false;
  }
  // Buildah records a settings step's arguments as written (`ENV A=1   B="x y"`, `WORKDIR $HOME/app`, `CMD echo hi`).
  const asWritten = ws(ins.args) === ws(said);
  switch (ins.keyword) {
    case 'RUN': {
      const exec = execForm(ins.args);
      // `RUN <<EOF`: the heredoc is the command (BuildKit records its body).
      const command = exec ? exec.join(' ') : /^<<-?["']?\w+["']?$/.test(ins.args) && ins.heredocs.length ? ins.heredocs[0] : ins.args;
      // Buildah records the exec form as its JSON (`/bin/sh -c ["/bin/busybox", "--install"]`).
      const theirs = exec && execForm(said);
      return ws(command) === ws(said) || (theirs !== undefined && JSON.stringify(theirs) === JSON.stringify(exec));
    }
    case 'COPY':
    case 'ADD': {
      const mine = splitWords(ins.args).filter((w) => !FLAG.test(w));
      const theirs = splitWords(said).filter((w) => !FLAG.test(w));
      const dest = (w: string[]) => expandVariables(w[w.length - 1] ?? '', ctx.vars);
      if (dest(mine) !== dest(theirs)) {
        return false;
      }
      // The legacy builder names sources by content hash; BuildKit as written.
      return /^(file|dir|multi):/.test(theirs[0] ?? '') || ws(mine.slice(0, -1).join(' ')) === ws(theirs.slice(0, -1).join(' '));
    }
    case 'WORKDIR': {
      const target = expandVariables(unquote(ins.args), ctx.vars);
      ctx.workdir = target.startsWith('/') ? target : `${ctx.workdir.replace(/\/$/, '')}/${target}`;
      return asWritten || ctx.workdir.replace(/\/+$/, '') === said.replace(/\/+$/, '') || target === said;
    }
    case 'ENV': {
      const pairs = keyValues(ins.args, ctx.vars);
      for (const [k, v] of pairs) {
        ctx.vars.set(k, v);
      }
      return asWritten || ws(pairs.map(([k, v]) => `${k}=${v}`).join(' ')) === ws(said);
    }
    case 'LABEL': {
      const pairs = (text: string) => keyValues(text, ctx.vars).map(([k, v]) => `${unquote(k)}=${v}`).join(' ');
      // The legacy builder records values unquoted; buildah keeps the quotes (`"a"="b"`).
      return asWritten || ws(pairs(ins.args)) === ws(said) || ws(pairs(ins.args)) === ws(pairs(said));
    }
    case 'ARG': {
      const names = argDeclarations(ins.args);
      for (const [name, value] of names) {
        if (!ctx.vars.has(name) || value !== undefined) {
          ctx.vars.set(name, ctx.vars.get(name) ?? value);
        }
      }
      return names.map(([n]) => n).join(' ') === argDeclarations(said).map(([n]) => n).join(' ');
    }
    case 'EXPOSE':
      return ports(expandVariables(ins.args, ctx.vars)).join(' ') === ports(said).join(' ');
    case 'CMD':
    case 'ENTRYPOINT': {
      const mine = execForm(ins.args) ?? ['/bin/sh', '-c', ins.args];
      return asWritten || JSON.stringify(mine) === JSON.stringify(stringsOf(said));
    }
    case 'USER':
    case 'STOPSIGNAL':
      return asWritten || ws(expandVariables(ins.args, ctx.vars)) === ws(said);
    default:
      // VOLUME, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER: printed too differently to compare; the kind decides.
      return true;
  }
}

/** The build args a build was given, as its RUN steps record them (`|2 A=1 B=2 /bin/sh -c …`). */
function buildArgs(history: HistoryStep[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const h of history) {
    const m = /^(?:RUN\s+)?\|\d+((?:\s+[A-Za-z_][A-Za-z0-9_]*=\S*)+)\s/.exec(h.createdBy);
    for (const pair of m?.[1].trim().split(/\s+/) ?? []) {
      const eq = pair.indexOf('=');
      args.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return args;
}

/**
 * Whether a step is one a builder adds after the Dockerfile's last instruction: the legacy
 * builder and Podman (buildah) record each `docker build --label k=v` as a LABEL step of
 * its own at the end of the history (`#(nop)  LABEL k=v`, `#(nop) LABEL "k"="v"`);
 * BuildKit records none. CI pipelines add labels this way all the time.
 */
function appendedByBuilder(step: HistoryStep): boolean {
  return parseBuildStep(step.createdBy, step.comment).instruction === 'LABEL';
}

/** Which of two matches of one stage says more: a complete one, else the one that matched more. */
function better(a: StageMatch, b: StageMatch | undefined): boolean {
  return !b || Number(a.complete) > Number(b.complete) || (a.complete === b.complete && a.matched > b.matched);
}

/** Matches the stage's instructions against the history from `start` on. */
function matchFrom(dockerfile: Dockerfile, stage: Stage, history: HistoryStep[], start: number): StageMatch {
  const given = buildArgs(history.slice(start));
  const vars = new Map<string, string | undefined>(dockerfile.globalArgs);
  for (const [k, v] of given) {
    vars.set(k, v);
  }
  const ctx: Context = { vars, workdir: '/' };
  const steps: StepMatch[] = [];
  let matched = 0;
  let changed = false;
  stage.instructions.forEach((ins, i) => {
    const step = history[start + i];
    // A build arg given to the build wins over the Dockerfile's default.
    const before = ins.keyword === 'ARG' ? argDeclarations(ins.args).map(([n]) => [n, given.get(n)] as const) : [];
    if (!changed && step && sameStep(ins, step, ctx)) {
      for (const [n, v] of before) {
        if (v !== undefined) {
          ctx.vars.set(n, v);
        }
      }
      steps.push({ instruction: ins, status: 'matched', historyIndex: start + i });
      matched++;
    } else {
      changed = true;
      steps.push({ instruction: ins, status: 'changed' });
    }
  });
  const rest = history.slice(start + matched);
  const complete = matched === stage.instructions.length && rest.every(appendedByBuilder);
  return {
    stage,
    steps,
    matched,
    complete,
    appended: complete ? rest.length : 0,
    firstChanged: steps.find((s) => s.status === 'changed')?.instruction,
  };
}

/**
 * Matches one stage against a history (base first). `baseLength`: how many history steps
 * the stage's base image made (its own history's length; 0 for scratch); unknown, the
 * stage is taken to be the history's last steps, before any labels the builder appended.
 */
export function matchStage(dockerfile: Dockerfile, stage: Stage, history: HistoryStep[], baseLength?: number): StageMatch {
  if (baseLength !== undefined) {
    return matchFrom(dockerfile, stage, history, baseLength);
  }
  // The Dockerfile may end with LABEL lines of its own: each count of appended ones is tried.
  let trailing = 0;
  while (trailing < history.length && appendedByBuilder(history[history.length - 1 - trailing])) {
    trailing++;
  }
  let best: StageMatch | undefined;
  for (let appended = 0; appended <= trailing; appended++) {
    const m = matchFrom(dockerfile, stage, history, Math.max(0, history.length - appended - stage.instructions.length));
    if (better(m, best)) {
      best = m;
    }
  }
  return best as StageMatch;
}

/**
 * The stage of a Dockerfile an image was built from, if any: every stage is tried (the
 * image's history ends with that stage's steps), the best match wins: complete first,
 * then the most instructions matched. `baseLength` gives a stage's base's history length.
 */
export function matchDockerfile(dockerfile: Dockerfile, history: HistoryStep[], baseLength: (stage: Stage) => number | undefined): StageMatch | undefined {
  let best: StageMatch | undefined;
  for (const stage of dockerfile.stages) {
    if (stage.instructions.length === 0) {
      continue;
    }
    const m = matchStage(dockerfile, stage, history, baseLength(stage));
    if (better(m, best)) {
      best = m;
    }
  }
  // One matching instruction proves little in a long file; two, or all of a short one.
  const enough = best && (best.complete || best.matched >= Math.min(2, best.stage.instructions.length));
  return enough ? best : undefined;
}
