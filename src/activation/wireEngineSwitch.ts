import type { Workbench } from './workbench';
import type { RegisteredViews } from './registerViews';

/** A switch to another engine: its events, nothing cached from the old one, both views anew. */
export function wireEngineSwitch(workbench: Workbench, views: RegisteredViews): void {
  const { selection, index, analyses, previousBuilds, compareSelection, status, logs } = workbench;
  workbench.context.subscriptions.push(
    selection.active.onDidSwitch((engine) => {
      index.clear();
      analyses.clear();
      previousBuilds.forget();
      // An image opened for its files is the old engine's.
      workbench.layerImages.forget();
      // An image selected on the old engine names nothing on the new one.
      void compareSelection.select(undefined);
      status.reset();
      views.liveUpdates.restart();
      logs.engineSwitched(engine.name);
      views.describeViews();
      workbench.refreshViews();
    }),
  );
}
