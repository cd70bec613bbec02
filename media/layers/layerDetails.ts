/**
 * The selected layer: its number, build step and facts, the controls of its file tree
 * (what to show, sort, filter) and the tree itself. The controls are made once and never
 * rebuilt: what the user typed, the caret and the focus stay where they are whatever
 * the host sends meanwhile.
 */
import type { LayersPanelPlace, TreeMode, TreeSort } from '../../src/protocol/layersProtocol';
import { FilterBox, selectBox } from '../shared/controls';
import { definitions, el, setShown, setText } from '../shared/dom';
import { bytes } from '../shared/format';
import { type UiState, stepOfLayer } from './state';

export interface DetailsActions {
  setMode(mode: TreeMode): void;
  setSort(sort: TreeSort): void;
  setFilter(filter: string): void;
  openDockerfile(file: string, line: number): void;
}

export class LayerDetails {
  readonly element = el('div', 'layer-details');
  private readonly hint = el('p', 'hint', 'Select a layer to see its files. Up and Down arrows move through the stack.');
  private readonly selected = el('div', 'layer-selected');
  private readonly heading = el('h2');
  private readonly step = el('pre', 'step');
  private readonly facts = el('dl', 'layer-facts');
  private readonly goToLine = el('button', 'go-to-line', 'Go to Dockerfile line');
  private line: { file: string; line: number } | undefined;
  private factsDrawn = '';
  private readonly mode: HTMLSelectElement;
  private readonly sort: HTMLSelectElement;
  private readonly filter: FilterBox;

  constructor(actions: DetailsActions, tree: HTMLElement) {
    const head = el('div', 'layer-head');
    this.goToLine.addEventListener('click', () => this.line && actions.openDockerfile(this.line.file, this.line.line));
    setShown(this.goToLine, false);
    head.append(this.heading, this.step, this.goToLine, this.facts);

    const controls = el('div', 'tree-controls');
    this.mode = selectBox('What to show', [
      ['changes', 'Changes in this layer'],
      ['filesystem', 'Whole filesystem up to this layer'],
    ], (value) => actions.setMode(value as TreeMode));
    this.sort = selectBox('Sort', [
      ['name', 'Sort by name'],
      ['size', 'Sort by size'],
    ], (value) => actions.setSort(value as TreeSort));
    this.filter = new FilterBox((filter) => actions.setFilter(filter));
    controls.append(this.mode, this.sort, this.filter.element);

    this.selected.append(head, controls, tree);
    this.element.append(this.hint, this.selected);
    setShown(this.selected, false);
  }

  /** The selected layer's head (after a selection, `init` or `analysis`); the controls are left alone. */
  show(state: UiState): void {
    const layer = state.place.selected;
    const step = stepOfLayer(state, layer);
    setShown(this.hint, layer === undefined || !step);
    setShown(this.selected, layer !== undefined && step !== undefined);
    if (layer === undefined || !step) {
      return;
    }
    const stat = state.analysis?.layers[layer];
    setText(this.heading, `Layer ${layer + 1}`);
    setText(this.step, step.createdBy || step.text);
    this.line = step.dockerfileLine;
    setShown(this.goToLine, Boolean(this.line));
    if (this.line) {
      this.goToLine.title = `${decodeURIComponent(this.line.file.replace(/^.*\//, ''))}, line ${this.line.line + 1}`;
    }
    const facts: Array<[string, string]> = [['Size', bytes(stat?.size ?? step.size)]];
    if (step.created) {
      facts.push(['Created', new Date(step.created).toLocaleString()]);
    }
    if (step.diffId) {
      facts.push(['Diff ID', step.diffId]);
    }
    if (stat) {
      facts.push(['Changes', `${stat.added} added, ${stat.modified} modified, ${stat.removed} removed`]);
    }
    const drawn = JSON.stringify(facts);
    if (drawn !== this.factsDrawn) {
      this.factsDrawn = drawn;
      this.facts.replaceChildren(...definitions(facts));
    }
  }

  /** Puts the place's mode, sort and filter in the controls (at start, and when a wasted path sets them). */
  showControls(place: LayersPanelPlace): void {
    this.mode.value = place.mode;
    this.sort.value = place.sort;
    this.filter.show(place.filter);
  }
}
