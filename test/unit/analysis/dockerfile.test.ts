import * as assert from 'assert';
import { expandVariables, parseDockerfile } from '../../../src/analysis/dockerfile/dockerfile';
import { type HistoryStep, matchDockerfile, matchStage } from '../../../src/analysis/dockerfile/dockerfileMatch';

const DOCKERFILE = `ARG BASE=scratch
FROM scratch AS build
COPY busybox /bin/busybox
RUN ["/bin/busybox","--install","-s","/bin"]
ARG VERSION=1.2
ENV APP_HOME=/opt/app \\
    MODE="fast mode"
WORKDIR $APP_HOME/$VERSION
COPY a.txt ./
# a comment between instructions
RUN echo "v=$VERSION" > /v.txt && \\
    mkdir -p /data
LABEL org.example.x="1" y=2
EXPOSE 8080 9090/udp
USER 0
CMD echo hello
ENTRYPOINT ["/bin/sh", "-c"]
`;

/** As Engine 20.10's legacy builder recorded that file (newest last here: base first). */
const LEGACY: HistoryStep[] = [
  '/bin/sh -c #(nop) COPY file:7027c77992f5b5a06465828d75ae4ff9adcec5f94bc05d3f683eb205e0ec1ac0 in /bin/busybox ',
  '/bin/busybox --install -s /bin',
  '/bin/sh -c #(nop)  ARG VERSION=1.2',
  '/bin/sh -c #(nop)  ENV APP_HOME=/opt/app MODE=fast mode',
  '/bin/sh -c #(nop) WORKDIR /opt/app/1.2',
  '/bin/sh -c #(nop) COPY file:d8a006482ae06032497452691a2ec7af5b73116f8b5d645cc2feaea6963960b5 in ./ ',
  '|1 VERSION=1.2 /bin/sh -c echo "v=$VERSION" > /v.txt &&     mkdir -p /data',
  '/bin/sh -c #(nop)  LABEL org.example.x=1 y=2',
  '/bin/sh -c #(nop)  EXPOSE 8080 9090/udp',
  '/bin/sh -c #(nop)  USER 0',
  '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo hello"]',
  '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c"]',
].map((createdBy) => ({ createdBy }));

/** As Engine 28's BuildKit recorded it. */
const BUILDKIT: HistoryStep[] = [
  'COPY busybox /bin/busybox # buildkit',
  'RUN /bin/busybox --install -s /bin # buildkit',
  'ARG VERSION=1.2',
  'ENV APP_HOME=/opt/app MODE=fast mode',
  'WORKDIR /opt/app/1.2',
  'COPY a.txt ./ # buildkit',
  'RUN |1 VERSION=1.2 /bin/sh -c echo "v=$VERSION" > /v.txt &&     mkdir -p /data # buildkit',
  'LABEL org.example.x=1 y=2',
  'EXPOSE [8080/tcp 9090/udp]',
  'USER 0',
  'CMD ["/bin/sh" "-c" "echo hello"]',
  'ENTRYPOINT ["/bin/sh" "-c"]',
].map((createdBy) => ({ createdBy }));

/** As Podman 4.3's buildah recorded it (through the Docker-compatible API), built with --label. */
const BUILDAH: HistoryStep[] = [
  '/bin/sh -c #(nop) COPY file:01b0553b128d4b3874da2687f49510d7a1f9882a69db52690c33df2a986d2d7f in /bin/busybox ',
  '/bin/sh -c ["/bin/busybox","--install","-s","/bin"]',
  '/bin/sh -c #(nop) ARG VERSION',
  '/bin/sh -c #(nop) ENV APP_HOME=/opt/app     MODE="fast mode"',
  '/bin/sh -c #(nop) WORKDIR $APP_HOME/$VERSION',
  '/bin/sh -c #(nop) COPY file:3dd26e4965c8644baff67ea97c23805e6f97f0ca70f3e7eb6ebdc5e320d412fe in ./ ',
  '|1 VERSION=1.2 /bin/sh -c echo "v=$VERSION" > /v.txt &&     mkdir -p /data',
  '/bin/sh -c #(nop) LABEL org.example.x="1" y=2',
  '/bin/sh -c #(nop) EXPOSE 8080 9090/udp',
  '/bin/sh -c #(nop) USER 0',
  '/bin/sh -c #(nop) CMD echo hello',
  '/bin/sh -c #(nop) ENTRYPOINT ["/bin/sh", "-c"]',
  '/bin/sh -c #(nop) LABEL "org.opencontainers.image.revision"="0123abc"',
].map((createdBy) => ({ createdBy }));

describe('parseDockerfile', () => {
  it('stages, instructions with their lines, continuations joined as the builder joins them', () => {
    const d = parseDockerfile(DOCKERFILE);
    assert.deepStrictEqual([...d.globalArgs], [['BASE', 'scratch']]);
    assert.strictEqual(d.stages.length, 1);
    const [s] = d.stages;
    assert.deepStrictEqual([s.name, s.from, s.fromLine], ['build', 'scratch', 1]);
    const run = s.instructions.find((i) => i.keyword === 'RUN' && i.args.startsWith('echo'));
    assert.deepStrictEqual([run?.line, run?.endLine, run?.args], [10, 11, 'echo "v=$VERSION" > /v.txt &&     mkdir -p /data']);
    const env = s.instructions.find((i) => i.keyword === 'ENV');
    assert.deepStrictEqual([env?.line, env?.endLine], [5, 6]);
  });

  it('heredocs, the escape directive, and multi-stage files', () => {
    const d = parseDockerfile('# escape=`\nFROM busybox AS one\nRUN echo a `\n    && echo b\nRUN <<EOF\necho x\necho y\nEOF\nFROM one\nCOPY <<-EOT /f\n\thello\n\tEOT\nCMD ["x"]\n');
    assert.strictEqual(d.escape, '`');
    const [one, two] = d.stages;
    assert.deepStrictEqual(one.instructions.map((i) => [i.keyword, i.args, i.heredocs, i.line, i.endLine]), [
      ['RUN', 'echo a     && echo b', [], 2, 3],
      ['RUN', '<<EOF', ['echo x\necho y'], 4, 7],
    ]);
    assert.deepStrictEqual([two.from, two.instructions[0].heredocs, two.instructions[1].line], ['one', ['hello'], 12]);
  });

  it('expands $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt}; unknown ones stay', () => {
    const vars = new Map<string, string | undefined>([['A', '1'], ['E', '']]);
    assert.strictEqual(expandVariables('$A ${A} ${B:-two} ${A:+yes} ${E:-empty} $UNKNOWN', vars), '1 1 two yes empty $UNKNOWN');
  });
});

describe('matching a Dockerfile to the history it built', () => {
  const d = parseDockerfile(DOCKERFILE);
  for (const [builder, history] of [['the legacy builder', LEGACY], ['BuildKit', BUILDKIT], ['buildah', BUILDAH]] as const) {
    it(`every instruction to its step, with ${builder}'s history`, () => {
      const m = matchStage(d, d.stages[0], history, 0);
      assert.ok(m.complete, m.steps.filter((s) => s.status !== 'matched').map((s) => `${s.instruction.keyword} ${s.instruction.args}`).join('; '));
      assert.deepStrictEqual(m.steps.map((s) => s.historyIndex), d.stages[0].instructions.map((_, i) => i));
    });
  }

  it('a build arg given at build time wins over the default (WORKDIR /opt/app/2.0)', () => {
    const history = LEGACY.map((h) => ({ createdBy: h.createdBy.replace('/opt/app/1.2', '/opt/app/2.0').replace('|1 VERSION=1.2', '|1 VERSION=2.0') }));
    assert.ok(matchStage(d, d.stages[0], history, 0).complete);
  });

  it('an edited Dockerfile: matched up to the first changed line, changed from there', () => {
    const edited = parseDockerfile(DOCKERFILE.replace('mkdir -p /data', 'mkdir -p /srv'));
    const m = matchStage(edited, edited.stages[0], BUILDKIT, 0);
    assert.strictEqual(m.complete, false);
    assert.strictEqual(m.matched, 6);
    assert.strictEqual(m.firstChanged?.line, 10);
    assert.deepStrictEqual(m.steps.slice(6).map((s) => s.status), Array(6).fill('changed'));
  });

  it('a multi-stage file: the stage whose instructions the image has; a base whose history precedes', () => {
    const multi = parseDockerfile('FROM scratch AS tools\nCOPY busybox /bin/busybox\nRUN echo tools\nFROM base:1 AS app\nWORKDIR /app\nCOPY a.txt ./\nCMD ["sh"]\n');
    const history: HistoryStep[] = [
      { createdBy: 'COPY base /base # buildkit' },
      { createdBy: 'CMD ["base"]' },
      { createdBy: 'WORKDIR /app' },
      { createdBy: 'COPY a.txt ./ # buildkit' },
      { createdBy: 'CMD ["sh"]' },
    ];
    const m = matchDockerfile(multi, history, (stage) => (stage.from === 'base:1' ? 2 : stage.from === 'scratch' ? 0 : undefined));
    assert.strictEqual(m?.stage.name, 'app');
    assert.ok(m?.complete);
    assert.deepStrictEqual(m?.steps.map((s) => s.historyIndex), [2, 3, 4]);
  });

  it('an unrelated image matches no stage', () => {
    const history: HistoryStep[] = [{ createdBy: 'COPY x /x # buildkit' }, { createdBy: 'RUN /bin/sh -c make # buildkit' }];
    assert.strictEqual(matchDockerfile(d, history, () => 0), undefined);
  });

  it('labels a build appended (docker build --label: legacy builder and buildah) do not stop a complete match', () => {
    const legacy = [...LEGACY, { createdBy: '/bin/sh -c #(nop)  LABEL org.opencontainers.image.revision=0123abc' }, { createdBy: '/bin/sh -c #(nop)  LABEL a=b' }];
    const buildah = [...LEGACY, { createdBy: '/bin/sh -c #(nop) LABEL "org.opencontainers.image.revision"="0123abc"', comment: 'FROM 0e62986cccb7' }];
    for (const [history, appended] of [[legacy, 2], [buildah, 1]] as const) {
      for (const base of [0, undefined]) {
        const m = matchStage(d, d.stages[0], [...history], base);
        assert.ok(m.complete, `complete with the base ${base === undefined ? 'unknown' : 'known'}`);
        assert.strictEqual(m.appended, appended);
        assert.deepStrictEqual(m.steps.map((s) => s.historyIndex), LEGACY.map((_, i) => i));
      }
    }
    // A file that ends with a LABEL of its own, built with one more.
    const ends = parseDockerfile('FROM scratch\nCOPY a.txt /a.txt\nLABEL x=1\n');
    const m = matchStage(ends, ends.stages[0], [{ createdBy: 'COPY a.txt /a.txt # buildkit' }, { createdBy: 'LABEL x=1' }, { createdBy: '/bin/sh -c #(nop)  LABEL y=2' }]);
    assert.ok(m.complete);
    assert.deepStrictEqual([m.matched, m.appended], [2, 1]);
    // Anything but a label after the last instruction is another Dockerfile's step.
    assert.strictEqual(matchStage(d, d.stages[0], [...LEGACY, { createdBy: '/bin/sh -c #(nop)  ENV X=1' }], 0).complete, false);
  });

  it('a heredoc RUN matches BuildKit recording its body as the command', () => {
    const h = parseDockerfile('FROM scratch\nRUN <<EOS\necho one > /one.txt\necho two > /two.txt\nEOS\n');
    const m = matchStage(h, h.stages[0], [{ createdBy: 'RUN |1 VERSION=1.2 /bin/sh -c echo one > /one.txt\necho two > /two.txt\n # buildkit' }], 0);
    assert.ok(m.complete);
  });
});

describe('layerWaste', () => {
  it('bytes a later layer removes or overwrites count against the layer that added them', async () => {
    const { ImageAnalysis } = await import('../../../src/analysis/imageAnalysis');
    const { readImageArchive } = await import('../../../src/analysis/archiveReader');
    const { imageArchive, streamOf } = await import('../../harness/fixtures/archiveBuilder');
    const { layerWaste } = await import('../../../src/analysis/layerWaste');
    const archive = await imageArchive({
      layers: [
        [{ name: 'var/lib/apt/lists/a', size: 4000 }, { name: 'var/lib/apt/lists/b', size: 1000 }, { name: 'app/data.bin', size: 300 }, { name: 'keep', size: 7 }],
        [{ name: 'var/lib/apt/.wh.lists', size: 0 }, { name: 'app/data.bin', size: 100 }],
      ],
    });
    const w = layerWaste(new ImageAnalysis(await readImageArchive(streamOf(archive))));
    assert.deepStrictEqual(w.wasted, [5300, 0]);
    assert.deepStrictEqual(w.files, [4, 1]);
    assert.deepStrictEqual(w.removed, [0, 1], 'the removed folder counts once');
    assert.deepStrictEqual(w.findings, [
      { path: '/var/lib/apt/lists', size: 5000, addedIn: 0, hiddenIn: 1, how: 'removed' },
      { path: '/app/data.bin', size: 300, addedIn: 0, hiddenIn: 1, how: 'overwritten' },
    ]);
  });
});
