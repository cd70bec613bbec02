/**
 * The findings as SARIF 2.1.0, the format GitHub code scanning reads
 * (github/codeql-action/upload-sarif): one result per finding, on its Dockerfile line
 * when there is one (a URI relative to %SRCROOT%, the working folder, so that the pull
 * request marks the line), else on the image (a logical location; its file when the
 * image is an archive in the working folder).
 */
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
import { type Finding, type Findings, REPORT_RULES } from './findings';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export interface ReportSubject {
  /** The image as named on the command line. */
  image: string;
  /** The image's file relative to the working folder, when it is an archive or layout there. */
  imageFile?: string;
  /** The matched Dockerfile relative to the working folder (forward slashes), when one was matched. */
  dockerfile?: string;
  /** The working folder, absolute: what %SRCROOT% stands for. */
  cwd: string;
  version: string;
}

/** A relative path as a URI reference: each segment percent-encoded, slashes kept. */
export function relativeUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

function location(f: Finding, s: ReportSubject, at = f.at, layer = f.layer): Location {
  if (at && s.dockerfile) {
    return {
      physicalLocation: {
        artifactLocation: { uri: relativeUri(s.dockerfile), uriBaseId: '%SRCROOT%' },
        region: { startLine: at.line, endLine: at.endLine },
      },
    };
  }
  const name = layer === undefined ? s.image : `${s.image} layer ${layer + 1}`;
  return {
    ...(s.imageFile ? { physicalLocation: { artifactLocation: { uri: relativeUri(s.imageFile), uriBaseId: '%SRCROOT%' } } } : {}),
    logicalLocations: [{ name, fullyQualifiedName: name, kind: 'image' }],
  };
}

export function buildSarif(s: ReportSubject, found: Findings): Log {
  const rules: ReportingDescriptor[] = REPORT_RULES.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.short },
    fullDescription: { text: r.help },
    help: { text: r.help },
    defaultConfiguration: { level: r.id === 'wastedFile' ? 'warning' : 'error' },
  }));
  const index = new Map(REPORT_RULES.map((r, i) => [r.id, i]));
  const results: Result[] = found.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId),
    level: f.level,
    message: { text: f.message },
    locations: [location(f, s)],
    ...(f.related ? { relatedLocations: [{ id: 1, ...location(f, s, f.related.at, f.related.layer), message: { text: f.related.message } }] } : {}),
    ...(f.fingerprint ? { partialFingerprints: { secretFingerprint: f.fingerprint } } : {}),
    properties: {
      ...(f.layer === undefined ? {} : { layer: f.layer + 1 }),
      ...(f.path === undefined ? {} : { path: f.path }),
      ...(f.size === undefined ? {} : { size: f.size }),
    },
  }));
  // The trailing slash makes %SRCROOT% a folder that relative URIs resolve against.
  const root = pathToFileURL(s.cwd.endsWith(path.sep) ? s.cwd : `${s.cwd}${path.sep}`).href;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'Strata', version: s.version, semanticVersion: s.version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: root } },
        results,
        properties: { image: s.image, wastedFilesLeftOut: found.wastedFilesLeftOut },
      },
    ],
  };
}
