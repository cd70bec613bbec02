/**
 * The secrets reader of the layer pass (analysis/layerFacts.ts): it asks for the few files
 * whose name or place calls for a look (secretDetectors.wantsFile, string tests only) and
 * adds what it found to the layer's facts, kinds and fingerprints only, never a value.
 */
import type { ContentReader, LayerFacts } from '../../model/layerFacts';
import { type SecretFinding, detectSecrets, wantsFile } from './secretDetectors';

export function secretsReader(): ContentReader {
  const found: SecretFinding[] = [];
  return {
    wants: wantsFile,
    read: (path, content) => {
      found.push(...detectSecrets(path, content));
    },
    finish: (facts: LayerFacts) => {
      if (found.length) {
        facts.secrets = found;
      }
    },
  };
}
