import * as vscode from 'vscode';
import { imageRef } from '../../model/images';
import type { ImageIndex } from '../../engine/imageIndex';
import { defaultPortMappings, parseRunOptions } from '../../model/containers/runOptions';
import type { ImageNode } from '../../views/images/imageNode';
import { imageFromNodeOrPick } from '../images/pickImage';
import { type RunDeps, startRun } from './startRun';

/**
 * Strata: Run Image — like `docker run -d -p P:P IMAGE` for each port the image exposes:
 * no questions asked. Run with Options… asks; Run Again repeats what was asked last.
 */
export async function runImage(deps: RunDeps & { index: ImageIndex }, node?: ImageNode): Promise<string | undefined> {
  const entry = await imageFromNodeOrPick(deps.index, node, vscode.l10n.t('Image to run'));
  if (!entry) {
    return undefined;
  }
  return runImageReference(deps, imageRef(entry));
}

/** Runs an image by name or id with the defaults of Run (also the Layers panel's Run button). */
export async function runImageReference(deps: RunDeps, image: string): Promise<string | undefined> {
  let exposed: string[] = [];
  try {
    exposed = Object.keys((await deps.engine.inspectImage(image)).Config?.ExposedPorts ?? {});
  } catch {
    // Gone meanwhile: the run below says so in words.
  }
  const parsed = parseRunOptions(
    image,
    { name: '', ports: defaultPortMappings(exposed), env: '', mounts: '', command: '', removeWhenStopped: false },
    () => true,
  );
  return parsed.ok ? startRun(deps, parsed.value) : undefined;
}
