/**
 * What `strata --help` and `strata COMMAND --help` print: the usage line of each command and
 * what its flags mean, in one place so the package README and the errors say the same.
 */

const IMAGE = `IMAGE: a name on the engine, an archive file (docker save), oci-layout://PATH[:TAG],
       or registry://HOST[:PORT]/REPO:TAG | registry://HOST/REPO@sha256:… (no engine needed)`;
const ENGINE = `  --context NAME      the docker context to use
  -H, --host URL      the engine at URL (unix://, tcp://, ssh://user@host)
                      (neither: DOCKER_HOST, DOCKER_CONTEXT, the current context, the first socket that answers)`;
const REGISTRY = `  --insecure HOST     reach this registry over plain HTTP, no certificate checks (repeatable)
  --ca FILE           a CA certificate to trust besides the system's (repeatable)`;

export const COMMAND_HELP: Record<string, string> = {
  images: `usage: strata images [--json] [--all] [--context NAME | --host URL]
The engine's images: repository, tag, id, size, age.
  --json              as JSON
  --all               dangling images too
${ENGINE}`,
  analyze: `usage: strata analyze IMAGE [--json] [--platform OS/ARCH] [--ci [--ci-config PATH] [RULE FLAGS] [REPORTS]]
One image, layer by layer: dive's figures (efficiency, wasted bytes), each layer's changes, the
paths wasted most.
${IMAGE}
  --json              as JSON
  --platform OS/ARCH  which image of a multi-platform index (default: this machine's)
  --ci                judge the image by the CI rules: exit 1 when a rule fails
  --ci-config PATH    the rules file (default: .strata-ci.yaml, else dive's .dive-ci, in the working folder)
rule flags (override the rules file; "disabled" turns a rule off; dive's camelCase spellings work too):
  --lowest-efficiency N            fail below this efficiency, 0-1 (default 0.9)
  --highest-wasted-bytes SIZE      fail above this many wasted bytes, such as 20MB (default disabled)
  --highest-user-wasted-percent N  fail above this share of the user size wasted, 0-1 (default 0.1)
  --max-image-size SIZE            fail above this analysed size, such as 500MB (default disabled)
  --max-layers N                   fail above this many layers (default disabled)
  --secrets true|false             fail when a layer holds a secret (default true)
reports (with --ci; written whenever the image was analysed, a failed rule included):
  --sarif FILE        SARIF 2.1.0, for GitHub code scanning (upload-sarif)
  --junit FILE        JUnit XML: one testsuite for the image, one testcase per rule
  --markdown FILE     a summary for a pull-request comment
  --dockerfile PATH   the Dockerfile the image was built from (default: ./Dockerfile when
                      there is one): findings are located on its lines when it matches
  (GITHUB_ACTIONS=true adds ::error/::warning annotations on stdout, not with --json)
${REGISTRY}
${ENGINE}`,
  diff: `usage: strata diff IMAGE IMAGE [--json] [--platform OS/ARCH]
Two images compared: the layers they share, the bytes each has alone, the files added, removed
and modified.
${IMAGE}
  --json              as JSON
  --platform OS/ARCH  which image of a multi-platform index
${REGISTRY}
${ENGINE}`,
  cat: `usage: strata cat IMAGE PATH [--layer N]
A file of the image, printed as it is; with --layer, as it is after layer N (1 at the base, as
the Layers panel numbers them), also a file a later layer removed or overwrote.
${IMAGE}
  --layer N           the file as layer N left it
${REGISTRY}
${ENGINE}`,
  sbom: `usage: strata sbom IMAGE [--format cyclonedx|spdx|table] [--platform OS/ARCH]
The packages installed in the image (dpkg, apk, rpm, npm, Python), each with its purl, its
licence where the database says, and the layer and build step that installed it.
${IMAGE}
  --format F          cyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON) or table (default)
  --platform OS/ARCH  which image of a multi-platform index
  (SOURCE_DATE_EPOCH set: the serial number and timestamp are the same at every run)
${REGISTRY}
${ENGINE}`,
  engines: `usage: strata engines [--json]
Every engine Strata finds (sockets, docker contexts, DOCKER_HOST), whether it answers, and which
one is used.
  --json              as JSON`,
  cache: `usage: strata cache [--clear] [--json]
The analyses and layers kept on disk (shared with the VS Code extension): where, how large;
--clear empties them.
  --clear             remove every kept analysis and layer
  --json              as JSON`,
};

export const USAGE = `usage: strata COMMAND [FLAGS]   (strata COMMAND --help for its flags)
  images     the engine's images
  analyze    one image, layer by layer, with dive's figures; --ci gates a pipeline
  diff       two images compared
  cat        a file of an image, or of one of its layers
  sbom       the image's packages as a CycloneDX or SPDX SBOM, each with its layer
  engines    the engines Strata finds, and which one it uses
  cache      the analyses kept on disk
  --version  the version of strata
exit codes: 0 done (and every CI rule passed), 1 a CI rule failed, 2 bad input`;
