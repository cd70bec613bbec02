/**
 * The distribution an image is built on, from os-release(5) (`etc/os-release`, or
 * `usr/lib/os-release`, where Debian's etc/os-release links to): ID and VERSION_ID make
 * the distro part of a package URL ("debian-12", "alpine-3.20.1", "rhel-9.4").
 */

export const OS_RELEASE_PATHS = new Set(['etc/os-release', 'usr/lib/os-release']);

export function distroOf(text: string): string | undefined {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) {
      vars.set(m[1], m[2].replace(/^(["'])(.*)\1$/, '$2'));
    }
  }
  const id = vars.get('ID');
  if (!id) {
    return undefined;
  }
  const version = vars.get('VERSION_ID');
  return version ? `${id}-${version}` : id;
}
