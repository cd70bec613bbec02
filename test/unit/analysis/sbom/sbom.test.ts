/**
 * SBOMs of an image whose layers' package databases are filled by hand (the readers of real
 * databases are tested on their own): CycloneDX 1.6 checked by the CycloneDX library's strict
 * JSON validator, SPDX 2.3 by the official SPDX 2.3 JSON schema (vendored beside this file,
 * with its licence), purls, licences, the layer that installed each package, and documents
 * that are the same byte for byte under SOURCE_DATE_EPOCH.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readImageArchive } from '../../../../src/analysis/archiveReader';
import { ImageAnalysis } from '../../../../src/analysis/imageAnalysis';
import { cycloneDxJson } from '../../../../src/analysis/sbom/cycloneDx';
import { documentIdentity, imageInventory, purlOf } from '../../../../src/analysis/sbom/inventory';
import { isSpdxExpression } from '../../../../src/analysis/sbom/licenses';
import { spdxDocument } from '../../../../src/analysis/sbom/spdx';
import { inventoryTable } from '../../../../src/cli/sbomCommand';
import type { InstalledPackage, PackageDatabase } from '../../../../src/model/packages';
import { imageArchive, streamOf } from '../../../harness/fixtures/archiveBuilder';

const root = path.resolve(__dirname, '..', '..', '..', '..', '..');
const STATUS = 'var/lib/dpkg/status';
const deb = (name: string, version: string, licenses?: string[]): InstalledPackage => ({ ecosystem: 'deb', name, version, arch: 'amd64', distro: 'debian-12', installedSize: 4096, ...(licenses ? { licenses } : {}) });

/** Three layers: a Debian base, `apt-get install hello` (libc6 upgraded on the way), an app with npm and Python packages. */
async function image(): Promise<ImageAnalysis> {
  const archive = await readImageArchive(
    streamOf(
      await imageArchive({
        layers: [[{ name: STATUS, size: 100 }, { name: 'bin/sh', size: 10 }], [{ name: STATUS, size: 120 }], [{ name: 'app/node_modules/@scope/name/package.json', size: 40 }]],
        history: [{ created_by: '/bin/sh -c #(nop) ADD file:0123456789abcdef0123 in / ' }, { created_by: 'RUN /bin/sh -c apt-get install -y hello # buildkit' }, { created_by: 'COPY app /app # buildkit' }],
      }),
    ),
  );
  const facts: PackageDatabase[][] = [
    [{ path: STATUS, packages: [deb('base-files', '12.4+deb12u5', ['GPL-2.0-or-later']), deb('libc6', '2.36-9', ['LGPL-2.1', 'GPL-2+'])] }],
    [{ path: STATUS, packages: [deb('base-files', '12.4+deb12u5', ['GPL-2.0-or-later']), deb('libc6', '2.36-9+deb12u4', ['LGPL-2.1', 'GPL-2+']), deb('hello', '2.10-3')] }],
    [
      { path: 'app/node_modules/@scope/name/package.json', packages: [{ ecosystem: 'npm', name: '@scope/name', version: '1.2.3', licenses: ['MIT OR Apache-2.0'] }] },
      { path: 'usr/lib/python3/dist-packages/Foo_Bar-1.0.dist-info/METADATA', packages: [{ ecosystem: 'pypi', name: 'Foo_Bar', version: '1.0', licenses: ['BSD-3-Clause'] }] },
    ],
  ];
  archive.layers.forEach((l, i) => (l.facts = { packages: facts[i] }));
  return new ImageAnalysis(archive);
}

const fixed = (inventory: ReturnType<typeof imageInventory>, format: string) => documentIdentity('1700000000', inventory, format);

describe('SBOM', function () {
  this.timeout(20_000);

  it('purls: deb, apk and rpm with their vendor and qualifiers, scoped npm, normalised pypi', () => {
    assert.strictEqual(purlOf(deb('hello', '2.10-3')), 'pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12');
    assert.strictEqual(purlOf({ ecosystem: 'deb', name: 'hello', version: '2.10-3' }), 'pkg:deb/debian/hello@2.10-3', 'a dpkg database without os-release: Debian');
    assert.strictEqual(purlOf({ ecosystem: 'deb', name: 'bash', version: '5.2', arch: 'arm64', distro: 'ubuntu-24.04' }), 'pkg:deb/ubuntu/bash@5.2?arch=arm64&distro=ubuntu-24.04');
    assert.strictEqual(purlOf({ ecosystem: 'apk', name: 'musl', version: '1.2.5-r0', arch: 'x86_64', distro: 'alpine-3.20' }), 'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20');
    assert.strictEqual(purlOf({ ecosystem: 'rpm', name: 'bash', version: '5.1.8-9.el9', arch: 'x86_64', distro: 'rhel-9' }), 'pkg:rpm/rhel/bash@5.1.8-9.el9?arch=x86_64&distro=rhel-9');
    assert.strictEqual(purlOf({ ecosystem: 'npm', name: '@scope/name', version: '1.2.3' }), 'pkg:npm/%40scope/name@1.2.3');
    assert.strictEqual(purlOf({ ecosystem: 'npm', name: 'left-pad', version: '1.3.0' }), 'pkg:npm/left-pad@1.3.0');
    assert.strictEqual(purlOf({ ecosystem: 'pypi', name: 'Foo_Bar', version: '1.0' }), 'pkg:pypi/foo-bar@1.0');
  });

  it('licences: SPDX expressions of known ids, and what is not one', () => {
    for (const yes of ['MIT', 'MIT OR Apache-2.0', '(MIT OR Apache-2.0) AND BSD-3-Clause', 'GPL-2.0-or-later WITH Classpath-exception-2.0', 'LicenseRef-foo', 'GPL-2.0+']) {
      assert.ok(isSpdxExpression(yes), yes);
    }
    for (const no of ['GPL-2+', 'Artistic', 'MIT OR', '(MIT', 'MIT Apache-2.0', 'BSD-like', '']) {
      assert.ok(!isSpdxExpression(no), no);
    }
  });

  it('the inventory: what the last layer leaves, each package with the layer that added or last upgraded it', async () => {
    const analysis = await image();
    const inventory = imageInventory(analysis, 'test/image:1');
    assert.deepStrictEqual(
      inventory.packages.map((p) => [p.package.name, p.package.version, p.layer.index]),
      [
        ['base-files', '12.4+deb12u5', 0],
        ['hello', '2.10-3', 1],
        ['libc6', '2.36-9+deb12u4', 1],
        ['@scope/name', '1.2.3', 2],
        ['Foo_Bar', '1.0', 2],
      ],
    );
    const hello = inventory.packages.find((p) => p.package.name === 'hello');
    assert.strictEqual(hello?.layer.diffId, analysis.layers[1].diffId);
    assert.strictEqual(hello?.layer.createdBy, 'RUN /bin/sh -c apt-get install -y hello # buildkit');
    assert.strictEqual(inventory.digest, analysis.archiveImage.configDigest);
    const table = inventoryTable(inventory);
    assert.match(table[0], /^NAME\s+VERSION\s+TYPE\s+INSTALLED BY\s+SIZE$/);
    assert.match(table.find((l) => l.startsWith('hello')) ?? '', /^hello\s+2\.10-3\s+deb\s+layer 1\s+4\.1 kB$/);
    assert.ok(table.includes('5 packages in test/image:1 (' + inventory.digest + ')'), table.join('\n'));
  });

  it('CycloneDX 1.6 passes the strict schema: the image as a container, purls, licences by id or name, the installing layer', async () => {
    const inventory = imageInventory(await image(), 'test/image:1');
    const text = cycloneDxJson(inventory, fixed(inventory, 'cyclonedx'));
    const invalid = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);
    assert.strictEqual(invalid, null, JSON.stringify(invalid));
    const bom = JSON.parse(text);
    assert.strictEqual(bom.specVersion, '1.6');
    assert.strictEqual(bom.metadata.timestamp, '2023-11-14T22:13:20.000Z');
    assert.match(bom.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepStrictEqual([bom.metadata.component.type, bom.metadata.component.name, bom.metadata.component.version], ['container', 'test/image:1', inventory.digest]);
    assert.deepStrictEqual(bom.metadata.component.hashes, [{ alg: 'SHA-256', content: inventory.digest?.slice(7) }]);
    const byName = Object.fromEntries(bom.components.map((c: { name: string }) => [c.name, c]));
    assert.strictEqual(byName.hello.purl, 'pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12');
    assert.deepStrictEqual([byName.name.group, byName.name.purl], ['@scope', 'pkg:npm/%40scope/name@1.2.3']);
    assert.deepStrictEqual(byName.libc6.licenses, [{ license: { name: 'GPL-2+' } }, { license: { id: 'LGPL-2.1' } }]);
    assert.deepStrictEqual(byName.name.licenses, [{ expression: 'MIT OR Apache-2.0' }]);
    assert.strictEqual(byName.hello.licenses, undefined, 'no licence said, none made up');
    const prop = (c: { properties: Array<{ name: string; value: string }> }, n: string) => c.properties.find((p) => p.name === n)?.value;
    const helloLayer = inventory.packages.find((p) => p.package.name === 'hello')?.layer;
    assert.strictEqual(prop(byName.hello, 'strata:layer:diffID'), helloLayer?.diffId);
    assert.strictEqual(prop(byName.hello, 'strata:layer:index'), '1');
    assert.strictEqual(prop(byName.hello, 'strata:layer:createdBy'), 'RUN /bin/sh -c apt-get install -y hello # buildkit');
    assert.strictEqual(prop(byName['base-files'], 'strata:layer:index'), '0');
  });

  it('the strict CycloneDX validator catches a broken document (the check can fail)', async () => {
    const inventory = imageInventory(await image(), 'test/image:1');
    const bom = JSON.parse(cycloneDxJson(inventory, fixed(inventory, 'cyclonedx')));
    bom.components[0].type = 'package';
    assert.notStrictEqual(await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(JSON.stringify(bom)), null);
  });

  it('SPDX 2.3 passes the official schema: the image DESCRIBED and CONTAINING each package, declared licences, the layer as annotations', async () => {
    const inventory = imageInventory(await image(), 'test/image:1');
    const doc = spdxDocument(inventory, fixed(inventory, 'spdx')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(root, 'test', 'unit', 'analysis', 'sbom', 'spdx-2.3-schema.json'), 'utf8')));
    assert.ok(validate({ ...doc }), JSON.stringify(validate.errors));
    assert.ok(!validate({ ...doc, packages: [{ ...doc.packages[1], filesAnalyzed: 'no' }] }), 'the schema catches a broken document');
    assert.strictEqual(doc.creationInfo.created, '2023-11-14T22:13:20Z');
    // What the schema leaves to the spec: SPDX ids' letters, relationships to elements that exist.
    const ids = new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID));
    assert.strictEqual(ids.size, doc.packages.length);
    for (const id of ids) {
      assert.match(id as string, /^SPDXRef-[A-Za-z0-9.-]+$/);
    }
    for (const r of doc.relationships) {
      assert.ok(r.spdxElementId === 'SPDXRef-DOCUMENT' || ids.has(r.spdxElementId), r.spdxElementId);
      assert.ok(ids.has(r.relatedSpdxElement), r.relatedSpdxElement);
    }
    assert.strictEqual(doc.relationships.filter((r: { relationshipType: string }) => r.relationshipType === 'CONTAINS').length, 5);
    const described = doc.packages[0];
    assert.deepStrictEqual([described.primaryPackagePurpose, described.name, described.checksums[0].checksumValue], ['CONTAINER', 'test/image:1', inventory.digest?.slice(7)]);
    const byName = Object.fromEntries(doc.packages.map((p: { name: string }) => [p.name, p]));
    assert.strictEqual(byName.hello.licenseDeclared, 'NOASSERTION');
    assert.strictEqual(byName['base-files'].licenseDeclared, 'GPL-2.0-or-later');
    assert.strictEqual(byName.libc6.licenseDeclared, 'LGPL-2.1 AND LicenseRef-GPL-2');
    assert.deepStrictEqual(doc.hasExtractedLicensingInfos.map((x: { licenseId: string; name: string }) => [x.licenseId, x.name]), [['LicenseRef-GPL-2', 'GPL-2+']]);
    assert.deepStrictEqual(byName.hello.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12' }]);
    const notes = byName.hello.annotations.map((a: { comment: string }) => a.comment);
    const helloLayer = inventory.packages.find((p) => p.package.name === 'hello')?.layer;
    assert.deepStrictEqual(notes, ['strata:layer:index=1', `strata:layer:diffID=${helloLayer?.diffId}`, 'strata:layer:createdBy=RUN /bin/sh -c apt-get install -y hello # buildkit']);
  });

  it('with SOURCE_DATE_EPOCH the same image gives the same document; without it, a new serial each time', async () => {
    const inventory = imageInventory(await image(), 'test/image:1');
    assert.strictEqual(cycloneDxJson(inventory, fixed(inventory, 'cyclonedx')), cycloneDxJson(inventory, fixed(inventory, 'cyclonedx')));
    assert.strictEqual(JSON.stringify(spdxDocument(inventory, fixed(inventory, 'spdx'))), JSON.stringify(spdxDocument(inventory, fixed(inventory, 'spdx'))));
    const other = { ...inventory, name: 'test/image:2' };
    assert.notStrictEqual(fixed(inventory, 'spdx').uuid, fixed(other, 'spdx').uuid, 'another image, another serial');
    assert.notStrictEqual(documentIdentity(undefined, inventory, 'spdx').uuid, documentIdentity(undefined, inventory, 'spdx').uuid);
    assert.throws(() => documentIdentity('yesterday', inventory, 'spdx'), /SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not "yesterday"/);
  });
});
