/** The analysis of one image as text, for people: the figures dive prints, the layers, the wasted paths. */
import type { ImageAnalysis } from '../analysis/imageAnalysis';
import { type ImageSecret, describeSecret } from '../analysis/imageSecrets';
import { parseBuildStep } from '../model/buildStep';
import { SIZE_NAMES } from '../model/imageSizes';
import { formatBytes } from '../shared/format';
import { out } from './common/args';

export function report(target: string, a: ImageAnalysis, secrets: ImageSecret[] = []): void {
  const m = a.metrics;
  out(`Image: ${target}${a.repoTags.length ? ` (${a.repoTags.join(', ')})` : ''}`);
  if (a.platforms.length > 1 || a.attestations.length) {
    const others = a.platforms.filter((p) => p.platform !== a.platform).map((p) => `${p.platform}${p.present ? '' : ' (listed only)'}`);
    out(`  platform ${a.platform ?? '?'}${others.length ? ` (also ${others.join(', ')})` : ''}${a.attestations.length ? `; attestations: ${a.attestations.join(', ')} (not layers)` : ''}`);
  }
  out(`  ${a.layers.length} layers, ${SIZE_NAMES.files} ${formatBytes(m.sizeBytes)} (${m.sizeBytes} bytes), user size ${formatBytes(m.userSizeBytes)}`);
  out(`  efficiency: ${(m.efficiency * 100).toFixed(4)} %`);
  out(`  wasted: ${formatBytes(m.wastedBytes)} (${m.wastedBytes} bytes), ${(m.wastedUserPercent * 100).toFixed(2)} % of the user size`);
  out('');
  out('Layers (base first):');
  for (const l of a.layers) {
    const c = l.counts;
    out(`  ${String(l.index + 1).padStart(3)}  ${formatBytes(l.size).padStart(9)}  +${c.added} ~${c.modified} -${c.removed}  ${l.createdBy === undefined ? '' : parseBuildStep(l.createdBy).text.slice(0, 80)}`);
  }
  if (m.wastedPaths.length) {
    out('');
    out('Top wasted paths:');
    for (const w of m.wastedPaths.slice(0, 10)) {
      out(`  ${formatBytes(w.cumulativeSize).padStart(9)}  ${w.count}×  ${w.path}`);
    }
  }
  if (secrets.length) {
    out('');
    out('Secrets left in layers (anyone who pulls the image can extract them):');
    for (const s of secrets) {
      out(`  ${describeSecret(s)}`);
    }
  }
}
