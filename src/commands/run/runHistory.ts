import type * as vscode from 'vscode';
import type { RunOptionsInput } from '../../model/containers/runOptions';

const KEY = 'strata.runOptions';

/** The options last used to run each image (by name), kept across sessions for "Run Again". */
export class RunHistory {
  constructor(private readonly state: vscode.Memento) {}

  get(image: string): RunOptionsInput | undefined {
    return this.state.get<Record<string, RunOptionsInput>>(KEY, {})[image];
  }

  /** The image run most recently with options, for "Run Again" from the palette. */
  last(): { image: string; input: RunOptionsInput } | undefined {
    const image = this.state.get<string>(`${KEY}.last`);
    const input = image ? this.get(image) : undefined;
    return image && input ? { image, input } : undefined;
  }

  async remember(image: string, input: RunOptionsInput): Promise<void> {
    const all = { ...this.state.get<Record<string, RunOptionsInput>>(KEY, {}), [image]: input };
    await this.state.update(KEY, all);
    await this.state.update(`${KEY}.last`, image);
  }
}
