/**
 * Which local image a Dockerfile built, on real engines and real builders: the legacy
 * builder, BuildKit (Engine 20.10's and Docker 28's buildx) and Podman (buildah behind its
 * compatible API), each with and without `docker build --label`. The legacy builder and
 * buildah record every --label as a LABEL step after the Dockerfile's last instruction;
 * BuildKit records none. Also a Dockerfile whose last lines match no image: the lines that
 * do match keep the newest image that has them.
 */
import * as assert from 'assert';
import Docker from 'dockerode';
import { parseDockerfile } from '../../../src/analysis/dockerfile/dockerfile';
import { findBuiltImage } from '../../../src/analysis/dockerfile/builtImage';
import type { DockerEngine } from '../../../src/engine/api/dockerEngine';
import { ImageIndex } from '../../../src/engine/imageIndex';
import { type BuildOptions, buildFixtureImage, buildWithBuildKit, fixtureDockerfile, removeFixtureImages, runTag } from '../../harness/fixtures/fixtureImages';
import { fixtureClient, strataEngine, testEngine } from '../../harness/testEngines';

const LABELS = { 'org.opencontainers.image.revision': '0123abc', 'org.opencontainers.image.source': 'https://example.test/app' };

interface Builder {
  name: string;
  engine: () => DockerEngine;
  docker: () => Docker;
  build(reference: string, options: BuildOptions): Promise<string>;
  /** How many LABEL steps the builder records for LABELS. */
  appends: number;
}

const host = testEngine('host');
const podman = testEngine('podman');
const docker28 = testEngine('docker28');
const builders: Builder[] = [
  { name: 'the legacy builder', engine: () => strataEngine(host), docker: () => fixtureClient(host), build: (r, o) => buildFixtureImage(fixtureClient(host), r, o), appends: 2 },
  {
    name: "Engine 20.10's BuildKit",
    engine: () => strataEngine(host),
    docker: () => fixtureClient(host),
    build: (r, o) => buildWithBuildKit({ socket: host.fixtureSocket }, fixtureClient(host), r, o),
    appends: 0,
  },
  {
    name: "Docker 28's BuildKit (buildx)",
    engine: () => strataEngine(docker28),
    docker: () => fixtureClient(docker28),
    build: (r, o) => buildWithBuildKit({ socket: docker28.fixtureSocket, dockerConfig: docker28.dockerConfig }, fixtureClient(docker28), r, o),
    appends: 0,
  },
  { name: 'Podman (buildah)', engine: () => strataEngine(podman), docker: () => fixtureClient(podman), build: (r, o) => buildFixtureImage(fixtureClient(podman), r, o), appends: 2 },
];

for (const builder of builders) {
  describe(`the image a Dockerfile built, with ${builder.name}`, function () {
    this.timeout(120_000);
    const tag = runTag('built');
    const options: BuildOptions = { unique: true, steps: ['RUN echo one > /one.txt', 'ENV MODE=test', 'CMD ["sh"]'] };
    const text = fixtureDockerfile(options);
    const dockerfile = parseDockerfile(text);
    const lines = dockerfile.stages[0].instructions.length;
    const engine = builder.engine();
    let labelled: string;
    let plain: string;

    after(async () => {
      engine.dispose();
      await removeFixtureImages(builder.docker());
    });

    it('built with --label: every line has its step, the appended labels do not stop the match', async () => {
      labelled = await builder.build(`strata-test/labelled:${tag}`, { ...options, labels: LABELS });
      const history = await engine.imageHistory(labelled);
      assert.strictEqual(history.filter((h) => /LABEL "?org\.opencontainers/.test(h.CreatedBy)).length, builder.appends, 'the builder records the labels as expected');
      const built = await findBuiltImage(dockerfile, new ImageIndex({ engine }));
      assert.strictEqual(built?.image.id, labelled);
      assert.ok(built.match.complete, 'a complete match');
      assert.strictEqual(built.match.matched, lines);
      assert.strictEqual(built.match.appended, builder.appends);
    });

    it('built without --label: the newer image, matched completely', async () => {
      plain = await builder.build(`strata-test/plain:${tag}`, options);
      const built = await findBuiltImage(dockerfile, new ImageIndex({ engine }));
      assert.strictEqual(built?.image.id, plain);
      assert.ok(built.match.complete);
      assert.strictEqual(built.match.appended, 0);
    });

    it('the last lines edited since (a first open, nothing seen before): the lines that match keep the newest image that has them', async () => {
      const edited = parseDockerfile(text.replace('CMD ["sh"]', 'CMD ["sh", "-c", "echo edited"]'));
      const cmdLine = edited.stages[0].instructions.find((i) => i.keyword === 'CMD')?.line;
      const built = await findBuiltImage(edited, new ImageIndex({ engine }));
      assert.strictEqual(built?.image.id, plain, 'the newest image that matches the lines before');
      assert.strictEqual(built.match.complete, false);
      assert.strictEqual(built.match.firstChanged?.line, cmdLine);
      assert.strictEqual(built.match.matched, lines - 2, 'all but CMD and the LABEL after it');
      // Seen to build the labelled one before: that image is kept through the edit.
      const followed = await findBuiltImage(edited, new ImageIndex({ engine }), labelled);
      assert.strictEqual(followed?.image.id, labelled);
    });
  });
}
