/**
 * An image's inventory as a CycloneDX 1.6 JSON document, made with the CycloneDX project's own
 * library (its models, and its serializer for the 1.6 spec): the image is the metadata
 * component (type container, its digest as version and SHA-256 hash), each package a library
 * component with its purl, its licences (an SPDX id as license.id, anything else as
 * license.name) and the layer that installed it as properties: strata:layer:index,
 * strata:layer:diffID, strata:layer:createdBy.
 */
// By subpath (types in cycloneDxLibrary.d.ts): the main entry loads optional packages the bundle cannot hold.
import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import type { DocumentIdentity, ImageInventory, InventoryPackage } from './inventory';
import { isSpdxExpression } from './licenses';

const { ComponentType, HashAlgorithm } = Enums;
const { Bom, Component, LicenseExpression, LicenseRepository, Metadata, NamedLicense, Property, PropertyRepository, SpdxLicense, Tools } = Models;

/** The layer that installed a package, and what the database says besides, as CycloneDX properties. */
function properties(p: InventoryPackage): Models.PropertyRepository {
  const props = new PropertyRepository([new Property('strata:layer:index', String(p.layer.index))]);
  if (p.layer.diffId) {
    props.add(new Property('strata:layer:diffID', p.layer.diffId));
  }
  if (p.layer.createdBy) {
    props.add(new Property('strata:layer:createdBy', p.layer.createdBy));
  }
  if (p.package.installedSize !== undefined) {
    props.add(new Property('strata:package:installedSize', String(p.package.installedSize)));
  }
  if (p.package.sourcePackage) {
    props.add(new Property('strata:package:sourcePackage', p.package.sourcePackage));
  }
  return props;
}

/** One expression ("MIT OR Apache-2.0") as it is; otherwise each licence by SPDX id where it is one, else by name. */
function licenses(names: string[] | undefined): Models.LicenseRepository {
  const said = (names ?? []).map((n) => n.trim()).filter((n) => n !== '');
  if (said.length === 1 && !SPDX.isSupportedSpdxId(said[0]) && isSpdxExpression(said[0])) {
    return new LicenseRepository([new LicenseExpression(said[0])]);
  }
  return new LicenseRepository([...new Set(said)].map((n) => (SPDX.isSupportedSpdxId(n) ? new SpdxLicense(n) : new NamedLicense(n))));
}

export function cycloneDxJson(inventory: ImageInventory, identity: DocumentIdentity): string {
  const image = new Component(ComponentType.Container, inventory.name, {
    bomRef: 'image',
    ...(inventory.digest ? { version: inventory.digest } : {}),
  });
  const hex = /^sha256:([0-9a-f]{64})$/.exec(inventory.digest ?? '')?.[1];
  if (hex) {
    image.hashes.set(HashAlgorithm['SHA-256'], hex);
  }
  if (inventory.platform) {
    image.properties.add(new Property('strata:image:platform', inventory.platform));
  }
  const bom = new Bom({
    serialNumber: `urn:uuid:${identity.uuid}`,
    metadata: new Metadata({
      timestamp: identity.timestamp,
      component: image,
      tools: new Tools(),
    }),
  });
  bom.metadata.tools.components.add(new Component(ComponentType.Application, 'strata', { group: 'strata' }));
  const refs = new Set<string>();
  for (const p of inventory.packages) {
    // A purl names a package; should two share one (the same npm package at two paths), the ref still differs.
    let ref = p.purl;
    for (let n = 2; refs.has(ref); n++) {
      ref = `${p.purl}#${n}`;
    }
    refs.add(ref);
    // A scoped npm package: its scope is the component's group, as CycloneDX's own npm tools write it.
    const scoped = p.package.ecosystem === 'npm' ? /^(@[^/]+)\/(.+)$/.exec(p.package.name) : null;
    const component = new Component(ComponentType.Library, scoped ? scoped[2] : p.package.name, {
      bomRef: ref,
      ...(scoped ? { group: scoped[1] } : {}),
      version: p.package.version,
      purl: p.purl,
      licenses: licenses(p.package.licenses),
      properties: properties(p),
    });
    bom.components.add(component);
    image.dependencies.add(component.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 });
}
