import type { ContainersTreeProvider } from '../../views/containers/containersTreeProvider';
import type { ImagesTreeProvider } from '../../views/images/imagesTreeProvider';

/** Strata: Refresh — reloads both views (also the Retry button of the welcome content). */
export function refresh(images: ImagesTreeProvider, containers: ContainersTreeProvider): void {
  images.refresh();
  containers.refresh();
}
