/**
 * `analyze --ci --sarif FILE --junit FILE --markdown FILE [--dockerfile PATH]`: the reports
 * of one analysis, written whenever the analysis ran (a failed rule included), and GitHub
 * annotations on stdout under GitHub Actions. The Dockerfile (given, or `Dockerfile` in the
 * working folder) is read before the image, so that a wrong path fails fast.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RuleResult } from '../../analysis/ciRules';
import { type Dockerfile, parseDockerfile } from '../../analysis/dockerfile/dockerfile';
import { linesOfImage } from '../../analysis/dockerfile/imageLines';
import type { ImageAnalysis } from '../../analysis/imageAnalysis';
import { layerWaste } from '../../analysis/layerWaste';
import { InputError, UsageError, type Values, out, warn } from '../common/args';
import { annotations } from './annotations';
import { type SecretFinding, collectFindings } from './findings';
import { buildJunit } from './junit';
import { buildMarkdown } from './markdown';
import { buildSarif } from './sarif';

/** The package's version, set by esbuild.js (absent when the sources run unbundled, as in unit tests). */
declare const STRATA_VERSION: string;

export const REPORT_FLAGS = {
  sarif: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  dockerfile: { type: 'string' },
} as const;

export interface ReportPlan {
  files: { sarif?: string; junit?: string; markdown?: string };
  dockerfile?: { file: string; uri: string; parsed: Dockerfile };
  annotate: boolean;
  cwd: string;
}

/** Forward slashes, relative to the working folder when inside it. */
function shown(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

/** What to write, checked before the image is read: the Dockerfile readable, each report's folder there. */
export function planReports(values: Values, ci: boolean, cwd: string, env: NodeJS.ProcessEnv): ReportPlan {
  const files = { sarif: values.sarif as string | undefined, junit: values.junit as string | undefined, markdown: values.markdown as string | undefined };
  const asked = Object.values(files).some((f) => f !== undefined) || values.dockerfile !== undefined;
  if (asked && !ci) {
    throw new UsageError('--sarif, --junit, --markdown and --dockerfile apply with --ci');
  }
  for (const [flag, file] of Object.entries(files)) {
    if (file === '') {
      throw new UsageError(`--${flag} needs a file name`);
    }
    if (file !== undefined && !fs.existsSync(path.dirname(path.resolve(cwd, file)))) {
      throw new InputError(`the folder of the --${flag} report ${file} does not exist`);
    }
  }
  const annotate = ci && env.GITHUB_ACTIONS === 'true';
  const given = values.dockerfile as string | undefined;
  const file = given !== undefined ? path.resolve(cwd, given) : path.join(cwd, 'Dockerfile');
  let text: string | undefined;
  try {
    text = given !== undefined || ((asked || annotate) && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) ? fs.readFileSync(file, 'utf8') : undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`the Dockerfile ${given} cannot be read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? String(err))})`);
  }
  return { files, annotate, cwd, dockerfile: text === undefined ? undefined : { file, uri: shown(cwd, file), parsed: parseDockerfile(text) } };
}

/** Writes the reports the plan names, and the annotations; the secrets are what secret scanning found. */
export function writeReports(plan: ReportPlan, target: string, analysis: ImageAnalysis, results: RuleResult[], maxLayers: number | undefined, secrets: SecretFinding[]): void {
  if (!plan.annotate && !Object.values(plan.files).some((f) => f !== undefined)) {
    return;
  }
  let located: { uri: string; lines: NonNullable<ReturnType<typeof linesOfImage>> } | undefined;
  if (plan.dockerfile) {
    const lines = linesOfImage(plan.dockerfile.parsed, analysis.history);
    if (lines) {
      located = { uri: plan.dockerfile.uri, lines };
      if (!lines.match.complete && lines.match.firstChanged) {
        warn(`${plan.dockerfile.uri} changed from line ${lines.match.firstChanged.line + 1} on since ${target} was built: findings from there on are located on the image`);
      }
    } else {
      warn(`${plan.dockerfile.uri} does not match the history of ${target}: findings are located on the image`);
    }
  }
  const found = collectFindings({ metrics: analysis.metrics, results, waste: layerWaste(analysis), secrets, dockerfile: located }, maxLayers);
  const dockerfile = located?.uri;
  const imageFile = fs.statSync(path.resolve(plan.cwd, target), { throwIfNoEntry: false })?.isFile() ? shown(plan.cwd, path.resolve(plan.cwd, target)) : undefined;
  const version = typeof STRATA_VERSION === 'string' ? STRATA_VERSION : '0.0.0';
  const write = (flag: string, file: string | undefined, text: () => string) => {
    if (file === undefined) {
      return;
    }
    try {
      fs.writeFileSync(path.resolve(plan.cwd, file), text());
    } catch (err) {
      throw new InputError(`the --${flag} report ${file} cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  };
  const common = { image: target, metrics: analysis.metrics, results, findings: found.findings, dockerfile };
  write('sarif', plan.files.sarif, () => `${JSON.stringify(buildSarif({ image: target, imageFile: imageFile?.startsWith('/') ? undefined : imageFile, dockerfile, cwd: plan.cwd, version }, found), null, 2)}\n`);
  write('junit', plan.files.junit, () => buildJunit({ ...common, timestamp: new Date() }));
  write('markdown', plan.files.markdown, () => buildMarkdown(common));
  if (plan.annotate) {
    for (const line of annotations(found.findings, dockerfile)) {
      out(line);
    }
  }
}
