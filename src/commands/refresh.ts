import type { ContainersTreeProvider } from '../views/containersTreeProvider';
import type { ImagesTreeProvider } from '../views/imagesTreeProvider';

/** Strata: Refresh — reloads both views (also the Retry button of the welcome content). */
export function refresh(images: ImagesTreeProvider, containers: ContainersTreeProvider): void {
  images.refresh();
  containers.refresh();
}
