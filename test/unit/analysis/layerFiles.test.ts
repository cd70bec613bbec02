import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { readImageArchive } from '../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../src/analysis/imageAnalysis';
import { readFileFromLayer } from '../../../src/analysis/files/layerFileReader';
import { lookupFile, pathState, previousVersion } from '../../../src/analysis/files/pathHistory';
import { ArchiveSource } from '../../../src/sources/fileSources';
import { LayerBlobs } from '../../../src/sources/layerBlobs';
import { LayerFileError, LayerFiles, type OpenedImage, findFile } from '../../../src/sources/layerFiles';
import { type EntrySpec, imageArchive, streamOf, tarOf } from '../../harness/fixtures/archiveBuilder';

const text = (name: string, content: string): EntrySpec => ({ name, data: Buffer.from(content) });
const dir = (name: string): EntrySpec => ({ name, type: 'directory' });

/**
 * 1: etc/app.conf v1, etc/old.conf, data/a, data/b, bin -> usr/bin, usr/bin/tool
 * 2: etc/app.conf v2, etc/.wh.old.conf, data/.wh..wh..opq + data/c, docs/
 * 3: etc/app.conf as a hard link to etc/other (v3), "my dir/ü.txt"
 * 4: .wh.docs, etc/old.conf again (v4)
 */
const LAYERS: EntrySpec[][] = [
  [dir('etc'), text('etc/app.conf', 'v1\n'), text('etc/old.conf', 'old\n'), dir('data'), text('data/a', 'a'), text('data/b', 'b'), dir('usr'), dir('usr/bin'), text('usr/bin/tool', 'tool'), { name: 'bin', type: 'symlink', linkname: 'usr/bin' }],
  [text('etc/app.conf', 'v2\n'), { name: 'etc/.wh.old.conf', size: 0 }, dir('data'), { name: 'data/.wh..wh..opq', size: 0 }, text('data/c', 'c'), dir('docs'), text('docs/readme', 'r')],
  [text('etc/other', 'v3\n'), { name: 'etc/app.conf', type: 'link', linkname: 'etc/other' }, dir('my dir'), text('my dir/ü.txt', 'unicode\n')],
  [{ name: '.wh.docs', size: 0 }, text('etc/old.conf', 'v4\n')],
];

async function analysed(spec: Parameters<typeof imageArchive>[0]): Promise<ImageAnalysis> {
  return new ImageAnalysis(await readImageArchive(streamOf(await imageArchive(spec))));
}

describe('which layer wrote a path (pathHistory)', () => {
  let layers: ImageAnalysis['archiveLayers'];
  before(async () => {
    layers = (await analysed({ layers: LAYERS })).archiveLayers;
  });

  it('a file written twice: the upper version, and the lower one up to its layer', () => {
    const top = lookupFile(layers, 'etc/app.conf');
    assert.strictEqual(top.kind === 'file' && top.layer, 2);
    assert.strictEqual(top.kind === 'file' && top.readPath, 'etc/other', 'a hard link reads its target');
    const at2 = lookupFile(layers, '/etc/app.conf', 1);
    assert.deepStrictEqual(at2.kind === 'file' && [at2.layer, at2.readPath], [1, 'etc/app.conf']);
    const before = previousVersion(layers, 'etc/app.conf', 1);
    assert.strictEqual(before.kind === 'file' && before.layer, 0);
    assert.strictEqual(previousVersion(layers, 'etc/app.conf', 0).kind, 'absent');
  });

  it('a whiteout removes a file; written again, it is back', () => {
    assert.deepStrictEqual(pathState(layers, 'etc/old.conf', 1), { kind: 'removed', addedIn: 0, removedIn: 1, entry: layers[0].entries.find((e) => e.path === 'etc/old.conf') });
    assert.deepStrictEqual(lookupFile(layers, 'etc/old.conf', 2), { kind: 'removed', path: 'etc/old.conf', addedIn: 0, removedIn: 1 });
    const back = lookupFile(layers, 'etc/old.conf');
    assert.strictEqual(back.kind === 'file' && back.layer, 3);
  });

  it('an opaque folder hides what the layers below had in it, not what its own layer adds', () => {
    assert.deepStrictEqual(lookupFile(layers, 'data/a'), { kind: 'removed', path: 'data/a', addedIn: 0, removedIn: 1 });
    const c = lookupFile(layers, 'data/c');
    assert.strictEqual(c.kind === 'file' && c.layer, 1);
    const a = lookupFile(layers, 'data/a', 0);
    assert.strictEqual(a.kind === 'file' && a.layer, 0);
  });

  it('a whiteout of a folder removes the files in it', () => {
    assert.deepStrictEqual(lookupFile(layers, 'docs/readme'), { kind: 'removed', path: 'docs/readme', addedIn: 1, removedIn: 3 });
  });

  it('follows symbolic links, in folders too; folders, absent paths and the root are told apart', () => {
    const tool = lookupFile(layers, 'bin/tool');
    assert.deepStrictEqual(tool.kind === 'file' && [tool.path, tool.layer], ['usr/bin/tool', 0]);
    assert.strictEqual(lookupFile(layers, 'etc').kind, 'directory');
    assert.strictEqual(lookupFile(layers, '/').kind, 'directory');
    assert.strictEqual(lookupFile(layers, 'nope/x').kind, 'absent');
    assert.strictEqual(lookupFile(layers, 'etc/app.conf/x').kind, 'absent');
    const unicode = lookupFile(layers, 'my dir/ü.txt');
    assert.strictEqual(unicode.kind === 'file' && unicode.layer, 2);
  });
});

describe('a file of a layer, read from its blob (layerFileReader, LayerFiles)', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-layerfiles-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('streams a plain or gzip tar to the path; undefined when the tar has none', async () => {
    const tarBytes = await tarOf([text('a', 'first'), text('dir/b c', 'second')]);
    assert.strictEqual((await readFileFromLayer(streamOf(tarBytes), 'dir/b c', 'l'))?.toString(), 'second');
    assert.strictEqual((await readFileFromLayer(streamOf(zlib.gzipSync(tarBytes)), 'a', 'l'))?.toString(), 'first');
    assert.strictEqual(await readFileFromLayer(streamOf(tarBytes), 'missing', 'l'), undefined);
    await assert.rejects(readFileFromLayer(streamOf(tarBytes), 'a', 'l', { maxBytes: 2 }), /more than allowed/);
  });

  async function opened(format: 'docker' | 'oci'): Promise<OpenedImage> {
    const file = path.join(tmp, `${format}.tar`);
    fs.writeFileSync(file, await imageArchive({ layers: LAYERS, format, gzip: format === 'oci' }));
    const source = new ArchiveSource(file);
    const analysis = new ImageAnalysis((await source.read({})).archive);
    return { source, analysis, name: 'test/image:1' };
  }

  for (const format of ['docker', 'oci'] as const) {
    it(`reads each layer's version from a ${format} archive, the archive read once for all of them`, async () => {
      const image = await opened(format);
      const blobs = new LayerBlobs(path.join(tmp, `blobs-${format}`));
      const files = new LayerFiles(blobs);
      let opens = 0;
      const open = image.source.openArchive?.bind(image.source);
      image.source.openArchive = (signal) => {
        opens++;
        return (open as NonNullable<typeof open>)(signal);
      };
      const read = async (p: string, layer?: number) => (await files.read(image, findFile(image, p, layer))).toString();
      assert.strictEqual(await read('etc/app.conf'), 'v3\n');
      assert.strictEqual(await read('/etc/app.conf', 2), 'v2\n');
      assert.strictEqual(await read('etc/app.conf', 1), 'v1\n');
      assert.strictEqual(await read('etc/old.conf', 1), 'old\n');
      assert.strictEqual(await read('etc/old.conf'), 'v4\n');
      assert.strictEqual(await read('my dir/ü.txt'), 'unicode\n');
      assert.strictEqual(await read('bin/tool'), 'tool');
      assert.strictEqual(opens, 1, 'every layer kept from one read of the archive');
      assert.strictEqual((await blobs.usage()).blobs, 4);
    });
  }

  it('says in one sentence what cannot be given', async () => {
    const image = await opened('docker');
    const problem = (p: string, layer?: number) => {
      try {
        findFile(image, p, layer);
      } catch (err) {
        assert.ok(err instanceof LayerFileError, String(err));
        return err.message;
      }
      return assert.fail(`${p} was found`);
    };
    assert.strictEqual(problem('data/a'), '/data/a is no longer in test/image:1: layer 1 added it and layer 2 removed it.');
    assert.strictEqual(problem('etc/old.conf', 2), '/etc/old.conf is no longer in test/image:1: layer 1 added it and layer 2 removed it.');
    assert.strictEqual(problem('etc/app.conf', 5), 'test/image:1 has no layer 5: it has 4, numbered 1 to 4.');
    assert.strictEqual(problem('etc/app.conf', 0), 'test/image:1 has no layer 0: it has 4, numbered 1 to 4.');
    assert.strictEqual(problem('nope'), '/nope is not in test/image:1.');
    assert.strictEqual(problem('my dir/ü.txt', 2), '/my dir/ü.txt is not in test/image:1 up to layer 2.');
    assert.strictEqual(problem('/etc'), '/etc is a folder, not a file.');
  });

  it('keeps the layers folder under its bound, least recently used out first', async () => {
    const dirPath = path.join(tmp, 'bounded');
    const blobs = new LayerBlobs(dirPath, () => 2500);
    const id = (n: number) => String(n).repeat(64);
    await blobs.put(id(1), streamOf(Buffer.alloc(1000)));
    await blobs.put(id(2), streamOf(Buffer.alloc(1000)));
    // Used now: the last to go.
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dirPath, id(2)), past, past);
    (await blobs.open(id(1)))?.destroy();
    await blobs.put(id(3), streamOf(Buffer.alloc(1000)));
    assert.deepStrictEqual(fs.readdirSync(dirPath).sort(), [id(1), id(3)]);
  });
});
