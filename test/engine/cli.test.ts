/**
 * The command line (dist/cli.js, as built) choosing engines: `strata engines`, and
 * --context / --host on the other commands, against the harness's real engines.
 */
import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contextDigest } from '../../src/engine/connect/dockerContexts';
import { buildFixtureImage, removeFixtureImages, runTag } from '../harness/fixtures/fixtureImages';
import { fixtureClient, testEngine } from '../harness/testEngines';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

function strata(args: string[], env: NodeJS.ProcessEnv): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI picks engines (dist/cli.js against real engines)', function () {
  this.timeout(60_000);
  const second = testEngine('second-tls');
  const ssh = testEngine('ssh');
  const secondDocker = fixtureClient(second);
  const reference = `strata-test/cli-second:${runTag('cli')}`;
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-cfg-'));
  const env = { DOCKER_CONFIG: config, DOCKER_HOST: '', DOCKER_CONTEXT: '' };

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is built`);
    const tls = second.tls;
    assert.ok(tls);
    await buildFixtureImage(secondDocker, reference);
    execFileSync('docker', ['context', 'create', 'second', '--docker', `host=tcp://127.0.0.1:${tls.port},ca=${tls.caFile},cert=${tls.certFile},key=${tls.keyFile}`], {
      env: { ...process.env, DOCKER_CONFIG: config },
      stdio: 'pipe',
    });
    const broken = path.join(config, 'contexts', 'meta', contextDigest('broken'));
    fs.mkdirSync(broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'meta.json'), 'not json');
  });
  after(() => removeFixtureImages(secondDocker));

  it('engines --json: every candidate, whether it answers, and which is active', () => {
    const r = strata(['engines', '--json'], env);
    assert.strictEqual(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { active: { name: string; reason: string }; engines: Array<{ name: string; origin: string; answers: boolean; version?: string; problem?: string; active: boolean }> };
    const byName = Object.fromEntries(out.engines.map((e) => [e.name, e]));
    assert.strictEqual(byName.second.origin, 'context');
    assert.strictEqual(byName.second.answers, true);
    assert.ok(second.version.startsWith(byName.second.version ?? '-'), byName.second.version);
    const broken = out.engines.find((e) => e.problem?.includes('is not JSON'));
    assert.ok(broken && !broken.answers, 'the broken context is listed with its problem');
    assert.deepStrictEqual([out.active.name, out.active.reason], ['Docker', 'the first socket that answers']);
  });

  it('images --context NAME lists that engine; --host with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, as the docker CLI -H', () => {
    const viaContext = strata(['images', '--json', '--context', 'second'], env);
    assert.strictEqual(viaContext.status, 0, viaContext.stderr);
    assert.ok((JSON.parse(viaContext.stdout) as Array<{ reference: string }>).some((i) => i.reference === reference));
    const tls = second.tls as NonNullable<typeof second.tls>;
    const viaHost = strata(['images', '--json', '--host', `tcp://127.0.0.1:${tls.port}`], { ...env, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: tls.certDir });
    assert.strictEqual(viaHost.status, 0, viaHost.stderr);
    assert.ok((JSON.parse(viaHost.stdout) as Array<{ reference: string }>).some((i) => i.reference === reference));
  });

  it('analyze over ssh with --host', () => {
    const r = strata(['analyze', reference, '--json', '--host', ssh.dockerHost], { ...env, PATH: `${ssh.sshPathDir}${path.delimiter}${process.env.PATH}` });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.ok((JSON.parse(r.stdout) as { layers: unknown[] }).layers.length >= 2);
  });

  it('bad input: one sentence and exit code 2', () => {
    const unknown = strata(['images', '--context', 'nope'], env);
    assert.strictEqual(unknown.status, 2);
    assert.match(unknown.stderr, /^strata: There is no docker context named "nope" in .*: docker context ls lists the ones there are\.\n$/);
    const both = strata(['images', '--context', 'second', '--host', 'unix:///x'], env);
    assert.strictEqual(both.status, 2);
    assert.match(both.stderr, /give --context or --host, not both/);
    const bad = strata(['images', '--host', 'docker.example:2375'], env);
    assert.strictEqual(bad.status, 2);
    assert.match(bad.stderr, /^strata: --host is "docker\.example:2375", which is not an address Strata understands/);
  });
});
