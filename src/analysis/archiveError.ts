/**
 * Why an image archive could not be read, by code with its arguments; the sentence is
 * made from them (through the l10n bundle the edge loaded, see src/shared/errors.ts).
 */
import * as l10n from '@vscode/l10n';

export type ArchiveProblem =
  | { code: 'unsafePath'; layer: string; detail: string }
  | { code: 'layerNotTar'; layer: string; detail: string }
  | { code: 'layerNotDecompressed'; layer: string; detail: string }
  | { code: 'connectionClosed' }
  | { code: 'unreadable'; detail: string }
  | { code: 'truncated' }
  | { code: 'notTar' }
  | { code: 'missingEntry'; what: 'layer' | 'layerBlob'; path: string }
  | { code: 'noSuchPlatform'; platform: string; available: string }
  | { code: 'platformLeftOut'; platform: string }
  | { code: 'choosePlatform'; available: string }
  | { code: 'noManifest' }
  | { code: 'notAnImage' }
  | { code: 'notInExport'; image: string };

function phrase(p: ArchiveProblem): string {
  switch (p.code) {
    case 'unsafePath':
      return l10n.t('layer {0}: {1}', p.layer, p.detail);
    case 'layerNotTar':
      return l10n.t('layer {0} is not a valid tar archive ({1})', p.layer, p.detail);
    case 'layerNotDecompressed':
      return l10n.t('layer {0} could not be decompressed ({1})', p.layer, p.detail);
    case 'connectionClosed':
      return l10n.t('the archive could not be read: the connection closed before all of it came (did the engine stop or restart?)');
    case 'unreadable':
      return l10n.t('the archive could not be read ({0})', p.detail);
    case 'truncated':
      return l10n.t('the archive ends too early: it is truncated');
    case 'notTar':
      return l10n.t('this is not a tar archive of an image (no valid tar header)');
    case 'missingEntry':
      return p.what === 'layer'
        ? l10n.t("the archive's manifest lists the layer {0}, but the archive does not contain it", p.path)
        : l10n.t("the archive's manifest lists the layer blob {0}, but the archive does not contain it", p.path);
    case 'noSuchPlatform':
      return l10n.t('the archive has no {0} image: it has {1}', p.platform, p.available || l10n.t('none'));
    case 'platformLeftOut':
      return l10n.t('the archive lists a {0} image, but not its layers (the exporter left that platform out)', p.platform);
    case 'choosePlatform':
      return l10n.t('the archive holds images for {0}: choose one with --platform', p.available);
    case 'noManifest':
      return l10n.t("the archive's index.json names no image manifest that the archive contains");
    case 'notAnImage':
      return l10n.t('this tar holds no image: it has neither manifest.json nor index.json');
    case 'notInExport':
      return l10n.t('the export of both images did not hold {0}', p.image);
  }
}

export class ArchiveError extends Error {
  constructor(readonly problem: ArchiveProblem) {
    super(phrase(problem));
    this.name = 'ArchiveError';
  }
}
