/**
 * What changed in the words of the people who build images, above the files: the packages
 * added, removed and upgraded (with their versions), and the run configuration's changes
 * (ENV, USER, EXPOSE, ENTRYPOINT, CMD, WORKDIR, LABEL; timestamps aside). Drawn from the
 * comparison's `semantic` part; every name and value came from an image, so it goes in as text.
 */
import type { ConfigChange, SemanticDiff } from '../../src/protocol/compareProtocol';
import { configChangeName } from '../../src/shared/configFields';
import { el, icon, setShown } from '../shared/dom';

/** Rows shown per list; the rest behind "N more" (a base swapped for another lists hundreds). */
const SHOWN = 12;

function row(mark: string, kind: string, cells: string[]): HTMLElement {
  const tr = el('tr', `semantic-row ${kind}`);
  const markCell = el('td', `semantic-mark change-${kind}`, mark);
  markCell.setAttribute('aria-label', kind);
  tr.append(markCell, ...cells.map((c) => el('td', undefined, c)));
  return tr;
}

function table(rows: HTMLElement[]): HTMLElement {
  const t = el('table', 'semantic-table');
  const body = el('tbody');
  body.append(...rows);
  t.append(body);
  return t;
}

/** The first rows, and the others in a closed <details> ("N more"). */
function rowsShown(rows: HTMLElement[]): HTMLElement[] {
  if (rows.length <= SHOWN) {
    return [table(rows)];
  }
  const more = el('details', 'semantic-more');
  more.append(el('summary', undefined, `${rows.length - SHOWN} more`), table(rows.slice(SHOWN)));
  return [table(rows.slice(0, SHOWN)), more];
}

/**
 * A configuration change on two lines: what changed (a label's name can be long), then its
 * values before and after, each free to wrap (a long CMD), so that neither squeezes the other.
 */
function configRow(c: ConfigChange): HTMLElement {
  const kind = c.a === undefined ? 'added' : c.b === undefined ? 'removed' : 'modified';
  const value = (v: string | undefined) => (v === undefined ? '(not set)' : c.field === 'exposedPorts' ? 'exposed' : v);
  const tr = row(kind === 'added' ? '+' : kind === 'removed' ? '−' : '~', kind, []);
  const change = el('td', 'config-change');
  const values = el('div', 'config-values');
  values.append(el('span', `config-a${c.a === undefined ? ' unset' : ''}`, value(c.a)), el('span', 'config-arrow', ' → '), el('span', `config-b${c.b === undefined ? ' unset' : ''}`, value(c.b)));
  change.append(el('div', 'config-name', configChangeName(c)), values);
  tr.append(change);
  return tr;
}

export class SemanticSection {
  readonly element = el('section', 'semantic');
  private readonly packages = el('div', 'semantic-part');
  private readonly config = el('div', 'semantic-part');

  constructor() {
    this.element.id = 'semantic';
    this.packages.id = 'semantic-packages';
    this.config.id = 'semantic-config';
    const title = el('h2', 'semantic-title');
    title.append(icon('checklist'), el('span', undefined, 'What changed from A to B'));
    const parts = el('div', 'semantic-parts');
    parts.append(this.packages, this.config);
    this.element.append(title, parts);
    setShown(this.element, false);
  }

  /** Shown once the comparison is in (hidden before, and after an error). */
  show(semantic: SemanticDiff | undefined): void {
    setShown(this.element, semantic !== undefined);
    if (!semantic) {
      return;
    }
    const p = semantic.packages;
    const head = el('h3', undefined, 'Packages');
    if (!semantic.packagesRead.a && !semantic.packagesRead.b) {
      this.packages.replaceChildren(head, el('p', 'hint', 'No package database (dpkg, apk, rpm, npm, Python) was found in either image.'));
    } else {
      const what = (e: string, arch?: string) => `${e}${arch ? ` ${arch}` : ''}`;
      const rows = [
        ...p.added.map((x) => row('+', 'added', [x.name, x.version, '', '', what(x.ecosystem, x.arch)])),
        ...p.removed.map((x) => row('−', 'removed', [x.name, x.version, '', '', what(x.ecosystem, x.arch)])),
        ...p.upgraded.map((x) => row('~', 'modified', [x.name, x.from, '→', x.to, what(x.ecosystem, x.arch)])),
      ];
      const counts = el('p', 'semantic-counts', `${p.added.length} added, ${p.removed.length} removed, ${p.upgraded.length} upgraded`);
      counts.id = 'semantic-package-counts';
      this.packages.replaceChildren(head, counts, ...(rows.length ? rowsShown(rows) : []));
    }
    const configHead = el('h3', undefined, 'Configuration');
    const c = semantic.config;
    this.config.replaceChildren(
      configHead,
      ...(c.length ? rowsShown(c.map(configRow)) : [el('p', 'hint', 'The same configuration (timestamps aside).')]),
    );
  }
}
