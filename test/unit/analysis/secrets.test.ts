/**
 * Secrets in layers: the detectors on well-shaped fakes and on near-misses, the reader in
 * the layer pass (which files it asks for), and an image's secrets with the layer that hid
 * them. No value may reach a finding: every finding is searched for it.
 */
import * as assert from 'assert';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { readLayer } from '../../../src/analysis/layerReader';
import { type SecretFinding, detectSecrets, fingerprint, wantsFile } from '../../../src/analysis/secrets/secretDetectors';
import { describeSecret, imageSecrets } from '../../../src/analysis/imageSecrets';
import { secretsReader } from '../../../src/analysis/secrets/secretsReader';
import { imageArchive, streamOf, tarOf } from '../../harness/fixtures/archiveBuilder';
import { certificate, gcpServiceAccount, opensshKey, pemKey, randomChars, token } from '../../harness/fixtures/fakeSecrets';

const detect = (path: string, text: string) => detectSecrets(path, Buffer.from(text));

/** The findings, and that none of them carries any of the values (whole or a long part). */
function findings(path: string, text: string, values: string[]): SecretFinding[] {
  const found = detect(path, text);
  const json = JSON.stringify(found);
  for (const v of values) {
    assert.ok(!json.includes(v.slice(0, 16)) && !json.includes(v.slice(-16)), `a value leaked into ${json}`);
  }
  return found;
}

describe('secret detectors', () => {
  it('private keys: OpenSSH from ssh-keygen and PKCS#8 PEM, each once, with the line it starts on', () => {
    const ssh = opensshKey();
    const [f] = findings('root/.ssh/id_ed25519', ssh, [ssh]);
    assert.deepStrictEqual(f, { kind: 'private-key', path: 'root/.ssh/id_ed25519', line: 1, fingerprint: fingerprint(ssh.trim()) });
    const pem = pemKey();
    const found = findings('app/tls/server.pem', `# the server's key\n${pem}`, [pem]);
    assert.deepStrictEqual(found.map((x) => [x.kind, x.line]), [['private-key', 2]]);
  });

  it('a certificate, a public key and a key elided in a README are not private keys', () => {
    assert.deepStrictEqual(detect('etc/ssl/certs/strata.pem', certificate()), []);
    assert.deepStrictEqual(detect('root/.ssh/id_ed25519.pub', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE strata-test'), []);
    assert.deepStrictEqual(detect('app/README.txt', '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n'), []);
  });

  it('tokens of a known shape, wherever they are', () => {
    const values = [token.github(), token.githubFineGrained(), token.gitlab(), token.slack(), token.npm(), token.pypi()];
    const text = values.map((v, i) => `value${i} = "${v}"`).join('\n');
    const found = findings('app/config.toml', text, values);
    assert.deepStrictEqual(
      found.map((x) => [x.kind, x.line]),
      [['github-token', 1], ['github-token', 2], ['gitlab-token', 3], ['slack-token', 4], ['npm-token', 5], ['pypi-token', 6]],
    );
  });

  it('near-misses of tokens: too short, or a prefix inside a longer word', () => {
    const short = ['gh', 'p_'].join('') + randomChars(20);
    const inWord = 'xghp_' + randomChars(36) + 'x';
    assert.deepStrictEqual(detect('app/config.toml', `a = ${short}\nb = ${inWord}\n`), []);
  });

  it('an AWS key id with its secret, named or on a nearby line; an id alone, or the documentation example, is not reported', () => {
    const id = token.awsKeyId();
    const secret = token.awsSecret();
    const named = findings('root/.aws/credentials', `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, [id, secret]);
    assert.deepStrictEqual(named.map((x) => [x.kind, x.line]), [['aws-access-key', 2]]);
    const near = findings('app/deploy.sh', `KEY=${id}\n# and\nPASS='${secret}'\n`, [id, secret]);
    assert.deepStrictEqual(near.map((x) => x.kind), ['aws-access-key']);
    assert.deepStrictEqual(detect('app/deploy.sh', `KEY=${id}\n`), [], 'an id alone is not a credential');
    assert.deepStrictEqual(detect('app/deploy.sh', `KEY=${id}\n${'a'.repeat(2)}\nsha=${randomChars(40, '0123456789abcdef')}\n`), [], 'a hex digest near an id is not its secret');
    const example = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
    const exampleSecret = ['wJalrXUtnFEMI/K7MDENG/', 'bPxRfiCYEXAMPLEKEY'].join('');
    assert.deepStrictEqual(detect('root/.aws/credentials', `aws_access_key_id = ${example}\naws_secret_access_key = ${exampleSecret}\n`), []);
  });

  it('a GCP service-account key is one finding, not also a bare private key', () => {
    const json = gcpServiceAccount();
    const key = (JSON.parse(json) as { private_key: string }).private_key;
    const found = findings('app/sa.json', json, [key.split('\n')[1]]);
    assert.deepStrictEqual(found.map((x) => [x.kind, x.line]), [['gcp-service-account', 5]]);
    assert.deepStrictEqual(detect('app/package.json', JSON.stringify({ name: 'app', private_key: 'none', type: 'module' })), []);
  });

  it('files that hold credentials by name: .git-credentials, .npmrc, .pypirc, .docker/config.json, .env', () => {
    const password = randomChars(24);
    assert.deepStrictEqual(findings('root/.git-credentials', `https://ci:${password}@git.example.com\n`, [password]).map((x) => x.kind), ['git-credentials']);
    assert.deepStrictEqual(detect('root/.git-credentials', 'https://git.example.com\n'), [], 'no password, nothing held');

    const npmAuth = randomChars(32);
    assert.deepStrictEqual(findings('root/.npmrc', `registry=https://r.example.com/\n//r.example.com/:_authToken=${npmAuth}\n`, [npmAuth]).map((x) => [x.kind, x.line]), [['npmrc-auth', 2]]);
    assert.deepStrictEqual(detect('root/.npmrc', '//r.example.com/:_authToken=${NPM_TOKEN}\n'), [], 'a variable is filled in at run time');
    const npm = token.npm();
    assert.deepStrictEqual(findings('root/.npmrc', `//registry.npmjs.org/:_authToken=${npm}\n`, [npm]).map((x) => x.kind), ['npm-token'], 'the token once, by its shape');

    const pypi = randomChars(20);
    assert.deepStrictEqual(findings('root/.pypirc', `[pypi]\nusername = me\npassword = ${pypi}\n`, [pypi]).map((x) => [x.kind, x.line]), [['pypirc-password', 3]]);
    assert.deepStrictEqual(detect('root/.pypirc', '[pypi]\nusername = me\npassword =\n'), []);

    const auth = Buffer.from(`me:${randomChars(20)}`).toString('base64');
    const docker = JSON.stringify({ auths: { 'registry.example.com': { auth }, 'other.example.com': {} } }, null, 2);
    assert.deepStrictEqual(findings('root/.docker/config.json', docker, [auth]).map((x) => [x.kind, x.line]), [['docker-config-auth', 3]]);
    assert.deepStrictEqual(detect('root/.docker/config.json', JSON.stringify({ auths: { 'r.example.com': {} }, credsStore: 'pass' })), [], 'a credentials store holds them elsewhere');

    const dbPassword = `${randomChars(12)}-${randomChars(8)}`;
    const env = `NODE_ENV=production\nPORT=8080\nDB_PASSWORD="${dbPassword}"\nAPI_KEY=changeme\nSECRET_TOKEN=\${FROM_VAULT}\nAUTH_MODE=basic\n`;
    assert.deepStrictEqual(findings('app/.env', env, [dbPassword]).map((x) => [x.kind, x.line]), [['env-secret', 3]]);
  });

  it('which files are read: by name or a small text file outside the system and packages; never by content', () => {
    const yes = ['root/.ssh/id_rsa', 'etc/ssl/private/ssl-cert-snakeoil.key', 'app/.env', 'app/.env.production', 'root/.npmrc', 'root/.docker/config.json', 'root/.aws/credentials', 'app/config.yaml', 'usr/src/app/settings.py', 'home/me/.git-credentials'];
    const no = ['root/.ssh/id_rsa.pub', 'usr/lib/python3/dist-packages/x.py', 'app/node_modules/pkg/index.js', 'usr/share/doc/x/README.txt', 'var/lib/dpkg/status', 'app/bin/server', 'app/image.png', 'app/config.json.gz'];
    assert.deepStrictEqual(yes.filter((p) => !wantsFile(p, 100)), []);
    assert.deepStrictEqual(no.filter((p) => wantsFile(p, 100)), []);
    assert.strictEqual(wantsFile('app/huge.yaml', 65 * 1024), false, 'a large text file is not scanned');
    assert.strictEqual(wantsFile('root/.ssh/id_rsa', 0), false);
  });
});

describe('secrets in the layer pass and in an image', () => {
  it('the reader finds secrets in the files a layer streams past', async () => {
    const key = opensshKey();
    const layer = await tarOf([
      { name: 'root/.ssh/id_ed25519', data: Buffer.from(key) },
      { name: 'usr/lib/x/id_like.txt', data: Buffer.from(key) },
    ]);
    const parsed = await readLayer('layer', streamOf(layer, 333), false, () => [secretsReader()]);
    assert.deepStrictEqual(parsed.facts?.secrets?.map((s) => s.path), ['root/.ssh/id_ed25519'], 'a file the reader does not ask for is not read');
  });

  it('each secret has the layer that added it, the step, and the later layer that removed or overwrote it', async () => {
    const key = opensshKey();
    const gh = token.github();
    const archive = await imageArchive({
      layers: [
        [{ name: 'bin/sh', size: 10 }],
        [
          { name: 'root/', type: 'directory' },
          { name: 'root/.ssh/', type: 'directory' },
          { name: 'root/.ssh/id_ed25519', data: Buffer.from(key) },
          { name: 'app/', type: 'directory' },
          { name: 'app/.env', data: Buffer.from(`GITHUB_TOKEN=${gh}\n`) },
          { name: 'app/keep.yaml', data: Buffer.from(`token: ${gh}x\n`) },
        ],
        [{ name: 'root/.wh..ssh', size: 0 }, { name: 'app/', type: 'directory' }, { name: 'app/.env', data: Buffer.from('GITHUB_TOKEN=\n') }],
      ],
      history: [{ created_by: 'COPY busybox /bin/sh' }, { created_by: 'COPY secrets / # buildkit' }, { created_by: 'RUN rm -rf /root/.ssh' }],
    });
    const analysis = new ImageAnalysis(await readImageArchive(streamOf(archive)));
    const secrets = imageSecrets(analysis);
    assert.deepStrictEqual(
      secrets.map((s) => [s.kind, s.path, s.layer, s.createdBy, s.hidden]),
      [
        ['private-key', '/root/.ssh/id_ed25519', 1, 'COPY secrets / # buildkit', { layer: 2, how: 'removed' }],
        ['github-token', '/app/.env', 1, 'COPY secrets / # buildkit', { layer: 2, how: 'overwritten' }],
      ],
      'the token in keep.yaml has a character more: not a token of that shape',
    );
    const text = JSON.stringify(secrets) + secrets.map(describeSecret).join('\n');
    assert.ok(!text.includes(gh) && !text.includes(key.split('\n')[1]), 'no value in the findings or their sentences');
    assert.match(describeSecret(secrets[0]), /^private key in \/root\/.ssh\/id_ed25519 line 1 \(fingerprint [0-9a-f]{8}\), added by layer 2; removed by layer 3, but still in layer 2$/);
  });
});
