/**
 * The names sizes go by, in the Images view, the Layers panel and the CLI alike (the
 * webview imports this too): one figure, one name, one number everywhere.
 */
export const SIZE_NAMES = {
  unpacked: 'on disk (unpacked)',
  content: 'content (compressed)',
  shared: 'shared with other images',
  /** Σ of the file sizes in the layers, as dive counts (the analysis). */
  files: 'files (analysed)',
} as const;

/** "On disk (unpacked)": a name at the start of a line or a label. */
export function sizeLabel(name: keyof typeof SIZE_NAMES): string {
  const text = SIZE_NAMES[name];
  return text[0].toUpperCase() + text.slice(1);
}
