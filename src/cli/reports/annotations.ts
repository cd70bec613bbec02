/**
 * GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`): under
 * GITHUB_ACTIONS=true each finding is also an annotation on the run and, with a file and
 * line, on the pull request's diff. Escaping follows the runner's own (actions/toolkit,
 * core/src/command.ts): data escapes %, \r and \n; a property also : and ,.
 */
import type { Finding } from './findings';

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub shows 10 annotations of each level per step: the rule failures and secrets first, then the largest wasted files. */
export const MAX_ANNOTATIONS = 10;

export function annotations(findings: Finding[], dockerfile: string | undefined): string[] {
  const errors = findings.filter((f) => f.level === 'error').slice(0, MAX_ANNOTATIONS);
  const warnings = findings.filter((f) => f.level === 'warning').slice(0, MAX_ANNOTATIONS);
  return [...errors, ...warnings].map((f) => {
    const props: string[] = [];
    if (dockerfile && f.at) {
      props.push(`file=${escapeProperty(dockerfile)}`, `line=${f.at.line}`, `endLine=${f.at.endLine}`);
    }
    props.push(`title=${escapeProperty(`Strata: ${f.ruleId}`)}`);
    return `::${f.level} ${props.join(',')}::${escapeData(f.message)}`;
  });
}
