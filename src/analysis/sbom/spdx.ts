/**
 * An image's inventory as an SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/):
 * the document DESCRIBES the image (a package of purpose CONTAINER, its digest as a SHA256
 * checksum), which CONTAINS each installed package. A package carries its purl as a
 * PACKAGE-MANAGER external reference, its declared licence (an SPDX expression, a LicenseRef
 * for a name SPDX does not list, or NOASSERTION when the database names none) and the layer
 * that installed it as annotations: `strata:layer:index=N`, `strata:layer:diffID=sha256:…`,
 * `strata:layer:createdBy=…`.
 */
import type { DocumentIdentity, ImageInventory, InventoryPackage } from './inventory';
import { isSpdxExpression, licenseRef } from './licenses';

const TOOL = 'Tool: strata';

/** SPDX dates: UTC to the second, "2024-05-01T10:00:00Z". */
function spdxDate(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** An SPDX id's allowed letters (SPDXRef-[A-Za-z0-9.-]+). */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

export function spdxDocument(inventory: ImageInventory, identity: DocumentIdentity): Record<string, unknown> {
  const created = spdxDate(identity.timestamp);
  const extracted = new Map<string, string>();
  const declared = (names: string[] | undefined): string => {
    const said = [...new Set((names ?? []).map((n) => n.trim()).filter((n) => n !== ''))];
    if (said.length === 0) {
      return 'NOASSERTION';
    }
    const parts = said.map((n) => {
      if (isSpdxExpression(n)) {
        return said.length > 1 && /\s/.test(n) ? `(${n})` : n;
      }
      const ref = licenseRef(n);
      extracted.set(ref, n);
      return ref;
    });
    // The database lists each licence that applies to some of the package's files: all of them hold.
    return parts.join(' AND ');
  };
  const annotation = (comment: string) => ({ annotationDate: created, annotationType: 'OTHER', annotator: TOOL, comment });
  const layerNotes = (p: InventoryPackage) => [
    annotation(`strata:layer:index=${p.layer.index}`),
    ...(p.layer.diffId ? [annotation(`strata:layer:diffID=${p.layer.diffId}`)] : []),
    ...(p.layer.createdBy ? [annotation(`strata:layer:createdBy=${p.layer.createdBy}`)] : []),
  ];

  const imageId = 'SPDXRef-Image';
  const hex = /^sha256:([0-9a-f]{64})$/.exec(inventory.digest ?? '')?.[1];
  const image = {
    SPDXID: imageId,
    name: inventory.name,
    ...(inventory.digest ? { versionInfo: inventory.digest } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    ...(hex ? { checksums: [{ algorithm: 'SHA256', checksumValue: hex }] } : {}),
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(inventory.platform ? { comment: `platform ${inventory.platform}` } : {}),
  };
  const ids = new Set<string>([imageId]);
  const packages = inventory.packages.map((p) => {
    let id = `SPDXRef-Package-${p.package.ecosystem}-${idPart(p.package.name)}-${idPart(p.package.version)}${p.package.arch ? `-${idPart(p.package.arch)}` : ''}`;
    for (let n = 2; ids.has(id); n++) {
      id = `${id.replace(/-\d+$/, '')}-${n}`;
    }
    ids.add(id);
    return {
      SPDXID: id,
      name: p.package.name,
      versionInfo: p.package.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'LIBRARY',
      ...(p.package.sourcePackage ? { sourceInfo: `built from the source package ${p.package.sourcePackage}` } : {}),
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: declared(p.package.licenses),
      copyrightText: 'NOASSERTION',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: p.purl }],
      annotations: layerNotes(p),
    };
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: inventory.name,
    // A URI unique to this document (SPDX 2.3 §6.5); urn:uuid needs no web site of Strata's.
    documentNamespace: `urn:uuid:${identity.uuid}`,
    creationInfo: { created, creators: [TOOL] },
    packages: [image, ...packages],
    ...(extracted.size
      ? {
          hasExtractedLicensingInfos: [...extracted].map(([licenseId, name]) => ({
            licenseId,
            name,
            extractedText: `The package database names this licence "${name}", which is not on the SPDX License List.`,
          })),
        }
      : {}),
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
      ...packages.map((p) => ({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
    ],
  };
}
