/**
 * Turns a history entry's `created_by` into the Dockerfile line a person wrote, and says
 * whether that kind of step changes files. The engine records steps in several dialects:
 *   legacy builder  "/bin/sh -c #(nop)  CMD [\"sh\"]", "/bin/sh -c #(nop) COPY file:ab… in /app/",
 *                   "/bin/sh -c apt-get update", "|2 A=1 B=2 /bin/sh -c make" (with build args),
 *                   "/bin/busybox --install -s /bin" (RUN in exec form)
 *   BuildKit        "RUN /bin/sh -c make # buildkit", "COPY . /app # buildkit", "CMD [\"sh\"]"
 *   docker import   "" (with the comment "Imported from -")
 */

/** Instructions that only change the image's configuration, never its files. */
const METADATA_INSTRUCTIONS = new Set([
  'CMD', 'ENV', 'LABEL', 'EXPOSE', 'ENTRYPOINT', 'USER', 'VOLUME', 'STOPSIGNAL',
  'HEALTHCHECK', 'SHELL', 'ONBUILD', 'ARG', 'MAINTAINER',
]);
const FILESYSTEM_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

/** `filesystem`: makes a layer; `metadata`: makes none; `either`: WORKDIR makes one only if the folder is new. */
export type StepKind = 'filesystem' | 'metadata' | 'either';

export interface BuildStep {
  /** The step as a Dockerfile reads, e.g. `RUN apt-get install -y curl`. */
  text: string;
  /** The Dockerfile instruction, upper case (`RUN`, `COPY`, `CMD`…), or `IMPORT` for docker import. */
  instruction: string;
  kind: StepKind;
}

const NOP = /^\/bin\/sh -c #\(nop\)\s*/;
const SHELL_RUN = /^(?:\|\d+(?:\s+\S+=\S*)*\s+)?\/bin\/(?:ba)?sh -c\s+/;
const BUILDKIT_SUFFIX = /\s+# buildkit$/;

/** `file:0123456789abcdef…` → `file:0123456789ab`; the rest of a content hash says nothing to a reader. */
function shortenSources(text: string): string {
  return text.replace(/\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{4,}/g, '$1:$2…');
}

function classify(instruction: string): StepKind {
  if (METADATA_INSTRUCTIONS.has(instruction)) {
    return 'metadata';
  }
  if (instruction === 'WORKDIR') {
    return 'either';
  }
  return 'filesystem';
}

export function parseBuildStep(createdBy: string | undefined, comment = ''): BuildStep {
  const raw = (createdBy ?? '').trim();
  if (!raw) {
    const imported = /^Imported from/i.test(comment);
    return {
      text: imported ? `IMPORT (${comment.trim()})` : '(no build step recorded)',
      instruction: imported ? 'IMPORT' : '',
      kind: 'filesystem',
    };
  }
  if (NOP.test(raw)) {
    // Legacy builder: a non-RUN instruction. COPY and ADD still make layers.
    let body = raw.replace(NOP, '').trim();
    const instruction = body.split(/\s+/)[0].toUpperCase();
    if (FILESYSTEM_INSTRUCTIONS.has(instruction)) {
      body = body.replace(/^(\S+\s+(?:--\S+\s+)*)(\S+) in (\S.*)$/, '$1$2 $3');
    }
    // The legacy builder prints JSON arrays the Go way, `["cat" "/app"]`: add the commas back.
    body = body.replace(/^(\S+\s+)\[(.*)\]$/, (_, head: string, items: string) => `${head}[${items.replace(/(?<!\\)"\s+"/g, '", "')}]`);
    return { text: shortenSources(body), instruction, kind: classify(instruction) };
  }
  const withoutSuffix = raw.replace(BUILDKIT_SUFFIX, '');
  const first = withoutSuffix.split(/\s+/)[0];
  if (/^[A-Z]+$/.test(first) && (METADATA_INSTRUCTIONS.has(first) || FILESYSTEM_INSTRUCTIONS.has(first) || first === 'WORKDIR')) {
    // BuildKit writes the instruction itself; RUN keeps the shell prefix.
    const text = first === 'RUN' ? `RUN ${withoutSuffix.slice(4).replace(SHELL_RUN, '')}` : withoutSuffix;
    return { text: shortenSources(text.trim()), instruction: first, kind: classify(first) };
  }
  // Legacy RUN, in shell form (with or without build args) or exec form.
  return { text: `RUN ${withoutSuffix.replace(SHELL_RUN, '').trim()}`, instruction: 'RUN', kind: 'filesystem' };
}
