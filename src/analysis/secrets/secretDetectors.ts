/**
 * Secrets in a file's bytes: private keys, cloud credentials, tokens of a known shape, and
 * files that hold credentials by name. What is found is a kind, a line and a fingerprint
 * (the first 8 hex of the value's sha256): the value itself never leaves this module, so
 * it cannot reach the facts kept on disk, a panel, Problems or the CLI's output.
 *
 * The patterns follow secretlint's recommended rules (@secretlint/secretlint-rule-preset-
 * recommend: private keys, AWS, GitHub, Slack, npm) where it has them; they are written
 * here rather than run through secretlint because the layer pass is synchronous (its rules
 * are async), its messages carry the value, and its preset adds about 1 MB to a bundle.
 */
import { createHash } from 'crypto';

// The finding's shape lives with the layer's facts, which carry it (src/model/layerFacts.ts).
import type { SecretFinding, SecretKind } from '../../model/layerFacts';
export type { SecretFinding, SecretKind } from '../../model/layerFacts';

export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 8);
}

/** A file read by name is read up to this size (keys, credential files are small). */
export const NAMED_MAX = 1024 * 1024;
/** Other text files worth a look (configuration, scripts, sources in an application's folders) up to this size. */
export const SCANNED_MAX = 64 * 1024;

/** Folders of the system and of installed packages: their files are not scanned unless their name calls for it. */
const SYSTEM_TOP = /^(?:usr\/(?!src\/|local\/(?:src|app)\/)|lib\/|lib32\/|lib64\/|libx32\/|bin\/|sbin\/|boot\/|proc\/|sys\/|dev\/|var\/lib\/|var\/cache\/|var\/log\/|nix\/store\/)/;
const PACKAGE_DIRS = /(?:^|\/)(?:node_modules|site-packages|dist-packages|\.git|vendor|__pycache__|\.cache|\.cargo\/registry|go\/pkg)\//;
const TEXT_EXTENSIONS = /\.(?:env|cfg|conf|config|ini|json|ya?ml|toml|properties|xml|sh|bash|zsh|txt|py|js|mjs|cjs|ts|rb|php|go|java|kt|cs|tf|tfvars|hcl|secret|secrets|token|creds)$/;

/** Files that hold credentials by name, and what they are read for. */
type Named = 'pem' | 'git-credentials' | 'npmrc' | 'pypirc' | 'docker-config' | 'env' | 'credentials' | 'json';

function namedAs(path: string, base: string): Named | undefined {
  if (/\.(?:pem|key|p8)$/.test(base) || (/^id_(?:rsa|dsa|ecdsa|ed25519)/.test(base) && !base.endsWith('.pub'))) {
    return 'pem';
  }
  switch (base) {
    case '.git-credentials':
      return 'git-credentials';
    case '.npmrc':
    case 'npmrc':
      return 'npmrc';
    case '.pypirc':
      return 'pypirc';
    case 'credentials':
      return 'credentials';
    case 'config.json':
      return path.endsWith('.docker/config.json') ? 'docker-config' : undefined;
  }
  if (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) {
    return 'env';
  }
  return undefined;
}

/**
 * Whether a file is worth reading, by its path and size alone (asked of every file of
 * every layer: string tests only). Files named for credentials; JSON files small enough
 * to be a service-account key; and small text files outside the system's and installed
 * packages' folders, where an application's configuration lives.
 */
export function wantsFile(path: string, size: number): boolean {
  if (size === 0 || size > NAMED_MAX) {
    return false;
  }
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (namedAs(path, base)) {
    return true;
  }
  if (size > SCANNED_MAX || !TEXT_EXTENSIONS.test(base) || SYSTEM_TOP.test(path) || PACKAGE_DIRS.test(path)) {
    return false;
  }
  return true;
}

// --- what is looked for in any file read ---------------------------------------------

/** secretlint's PRIVATE_KEY_PATTERN, with a body that must look like key material (not "..." in a README). */
const PRIVATE_KEY = /-----BEGIN ((?:[A-Z0-9]{2,16} )?PRIVATE KEY(?: BLOCK)?)-----([\s\S]{1,20000}?)-----END \1-----/g;
const KEY_BODY = /[A-Za-z0-9+/]{40}/;

const TOKENS: Array<{ kind: SecretKind; pattern: RegExp }> = [
  { kind: 'github-token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}\b/g },
  { kind: 'github-token', pattern: /\bgithub_pat_[A-Za-z0-9_]{82}\b/g },
  { kind: 'gitlab-token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  // secretlint's SLACK_TOKEN_PATTERN.
  { kind: 'slack-token', pattern: /\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-(?:\d-)?(?:[a-zA-Z0-9]{1,40}-)+[a-zA-Z0-9]{1,40}\b/g },
  { kind: 'npm-token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  // A PyPI token is a macaroon whose base64 starts with the encoding of "pypi.org".
  { kind: 'pypi-token', pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g },
];

/** secretlint's AWS access key id prefixes. */
const AWS_KEY_ID = /\b(?:A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}\b/g;
/** secretlint's AWSSecretAccessKey: a 40-character value under a secret-access-key name. */
const AWS_SECRET_NAMED = /["']?(?:aws)?_?secret_?access_?key["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi;
/** An unnamed 40-character value near the key id (mixed case, so not a hex digest). */
const AWS_SECRET_BARE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g;
/** AWS's documentation example, public on purpose (secretlint ignores it too). */
const AWS_EXAMPLES = new Set(['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']);

/** A value that stands for a secret instead of being one: a variable, a placeholder. */
function isPlaceholder(value: string): boolean {
  return (
    value === '' ||
    /^\$\{?[A-Za-z_]|^%\(|^\{\{|^<.*>$/.test(value) ||
    /^(?:x+|\*+|\.+|changeme|change[-_]?me|password|secret|example|none|null|true|false|todo|redacted)$/i.test(value) ||
    /^(?:your|my|some)[-_]/i.test(value)
  );
}

/** Shannon entropy in bits per character. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) {
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A value that looks like a secret rather than a setting: long enough, varied, not a placeholder. */
function secretLooking(value: string): boolean {
  if (value.length < 8 || isPlaceholder(value) || /\s/.test(value)) {
    return false;
  }
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  return classes >= 2 && entropy(value) >= 3;
}

const ENV_SECRET_NAME = /(?:SECRET|PASSW|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH)/i;

function unquote(value: string): string {
  const v = value.trim();
  const m = /^(["'])(.*)\1$/.exec(v);
  return m ? m[2] : v.replace(/\s+#.*$/, '');
}

/** Line numbers by offset, counted once per file. */
function lineAt(text: string): (index: number) => number {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo + 1;
  };
}

/**
 * The secrets in one file's content. Each value is reported once per file (the most
 * specific kind first: a token's shape before the file it sits in).
 */
export function detectSecrets(path: string, content: Buffer): SecretFinding[] {
  // Keys, tokens and credential files are ASCII: latin1 reads any bytes, fast, one char per byte.
  const text = content.toString('latin1');
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const named = namedAs(path, base);
  const line = lineAt(text);
  const found: SecretFinding[] = [];
  const seen = new Set<string>();
  const add = (kind: SecretKind, value: string, index: number) => {
    const fp = fingerprint(value);
    if (!seen.has(fp)) {
      seen.add(fp);
      found.push({ kind, path, line: line(index), fingerprint: fp });
    }
  };

  // A GCP service-account key: its private key is reported as the account's, not as a bare key.
  let gcp = false;
  if (text.includes('"private_key"') && text.includes('service_account')) {
    try {
      const json = JSON.parse(text) as { type?: unknown; private_key?: unknown };
      if (json.type === 'service_account' && typeof json.private_key === 'string' && json.private_key.includes('PRIVATE KEY')) {
        add('gcp-service-account', json.private_key, text.indexOf('"private_key"'));
        gcp = true;
      }
    } catch {
      // not JSON after all
    }
  }
  if (!gcp && text.includes('PRIVATE KEY')) {
    for (const m of text.matchAll(PRIVATE_KEY)) {
      if (KEY_BODY.test(m[2])) {
        add('private-key', m[0], m.index ?? 0);
      }
    }
  }
  for (const { kind, pattern } of TOKENS) {
    for (const m of text.matchAll(pattern)) {
      add(kind, m[0], m.index ?? 0);
    }
  }
  detectAws(text, add);

  switch (named) {
    case 'git-credentials':
      // https://user:password@host, one per line (git's credential store).
      for (const m of text.matchAll(/^\s*[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/gim)) {
        add('git-credentials', m[1], m.index ?? 0);
      }
      break;
    case 'npmrc':
      for (const m of text.matchAll(/^[^#;\n]*?(?:_authToken|_auth|_password)\s*=\s*(.*)$/gm)) {
        const value = unquote(m[1]);
        if (!isPlaceholder(value)) {
          add('npmrc-auth', value, m.index ?? 0);
        }
      }
      break;
    case 'pypirc':
      for (const m of text.matchAll(/^\s*password\s*[=:]\s*(.*)$/gim)) {
        const value = unquote(m[1]);
        if (!isPlaceholder(value)) {
          add('pypirc-password', value, m.index ?? 0);
        }
      }
      break;
    case 'docker-config':
      detectDockerConfig(text, add);
      break;
    case 'env':
      for (const m of text.matchAll(/^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(.*)$/gm)) {
        const value = unquote(m[2]);
        if (ENV_SECRET_NAME.test(m[1]) && secretLooking(value)) {
          add('env-secret', value, m.index ?? 0);
        }
      }
      break;
  }
  return found;
}

/** AWS access key ids with their secret: named anywhere in the file, or a bare 40-character value within three lines. */
function detectAws(text: string, add: (kind: SecretKind, value: string, index: number) => void): void {
  if (!/A3T|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA/.test(text)) {
    return;
  }
  const ids = [...text.matchAll(AWS_KEY_ID)].filter((m) => !AWS_EXAMPLES.has(m[0]));
  if (ids.length === 0) {
    return;
  }
  const named = [...text.matchAll(AWS_SECRET_NAMED)].map((m) => m[1]).filter((s) => !AWS_EXAMPLES.has(s));
  for (const id of ids) {
    const at = id.index ?? 0;
    let secret: string | undefined = named[0];
    if (!secret) {
      // Three lines either side of the id.
      let from = at;
      let to = at;
      for (let n = 0; n < 4 && from > 0; n++) {
        from = text.lastIndexOf('\n', from - 1);
      }
      for (let n = 0; n < 4 && to !== -1; n++) {
        to = text.indexOf('\n', to + 1);
      }
      const near = text.slice(Math.max(0, from), to === -1 ? text.length : to);
      secret = [...near.matchAll(AWS_SECRET_BARE)].map((m) => m[0]).find((s) => /[a-z]/.test(s) && /[A-Z]/.test(s) && !AWS_EXAMPLES.has(s) && !s.includes(id[0]));
    }
    if (secret) {
      add('aws-access-key', `${id[0]}:${secret}`, at);
    }
  }
}

/** `.docker/config.json`: each registry in `auths` with an `auth` (base64 user:password) or an identity token. */
function detectDockerConfig(text: string, add: (kind: SecretKind, value: string, index: number) => void): void {
  let json: { auths?: Record<string, { auth?: unknown; identitytoken?: unknown }> };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return;
  }
  for (const [registry, entry] of Object.entries(json.auths ?? {})) {
    for (const value of [entry?.auth, entry?.identitytoken]) {
      if (typeof value === 'string' && value !== '') {
        const at = text.indexOf(JSON.stringify(registry));
        add('docker-config-auth', value, at < 0 ? 0 : at);
      }
    }
  }
}
