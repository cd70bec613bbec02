/**
 * Secrets left in layers: each with its kind, file, the layer that added it and, when a
 * later layer removed or overwrote it, that it is still in the image. Only what and where
 * (and a fingerprint) ever arrive: the host never sends a value. Choosing one selects the
 * layer that added it and filters its tree to the file. Drawn again only when the list changes.
 */
import type { SecretView } from '../../src/protocol/layersProtocol';
import { el, icon } from '../shared/dom';
import type { UiState } from './state';

export interface SecretsActions {
  showSecret(secret: SecretView): void;
}

export class SecretsSection {
  readonly element = el('section', 'secrets');
  private readonly heading = el('h2', undefined, 'Secrets left in layers');
  private readonly body = el('div', 'secrets-body');
  private drawn = '';

  constructor(private readonly actions: SecretsActions) {
    this.element.id = 'secrets';
    this.element.append(this.heading, this.body);
  }

  show(state: UiState): void {
    const a = state.analysis;
    const drawn = a ? JSON.stringify(a.secrets) : state.error ? 'error' : 'waiting';
    if (drawn === this.drawn) {
      return;
    }
    this.drawn = drawn;
    this.element.classList.toggle('found', Boolean(a?.secrets.length));
    if (!a) {
      this.body.replaceChildren(el('p', 'hint', state.error ? 'Not available.' : 'Analysing the image…'));
      return;
    }
    if (a.secrets.length === 0) {
      this.body.replaceChildren(el('p', 'hint', 'No private key, token or credentials file found in any layer.'));
      return;
    }
    const note = el('p', 'secrets-note', 'Anyone who pulls this image can extract these, including those a later layer removed: pass secrets to the build with RUN --mount=type=secret, and rotate these.');
    const list = el('ol', 'secrets-list');
    for (const s of a.secrets) {
      const b = el('button', 'secret');
      b.dataset.layer = String(s.layer);
      const where = el('span', 'secret-where');
      where.append(el('span', 'secret-path', s.path), el('span', 'secret-line', `:${s.line}`));
      const fate = s.hidden
        ? `layer ${s.layer + 1}, ${s.hidden.how} by layer ${s.hidden.layer + 1}: still in the image`
        : `layer ${s.layer + 1}, in the final filesystem`;
      const detail = el('span', 'secret-detail');
      detail.append(el('span', 'secret-layer', fate), el('span', 'secret-fingerprint', `sha256 ${s.fingerprint}…`));
      b.append(icon('key'), el('span', 'secret-kind', s.name), where, detail);
      b.title = `Select layer ${s.layer + 1} and show ${s.path}`;
      b.addEventListener('click', () => this.actions.showSecret(s));
      const li = el('li');
      li.append(b);
      list.append(li);
    }
    this.body.replaceChildren(note, list);
  }
}
