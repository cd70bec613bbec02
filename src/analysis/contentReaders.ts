/**
 * The content readers every analysis uses (see src/model/layerFacts.ts for the seam): the
 * package databases and the secrets. A cheap `wants` matters, as it is asked of every file
 * of every layer.
 */
import type { ContentReaders } from '../model/layerFacts';
import { packageReader } from './packages/packageReader';
import { secretsReader } from './secrets/secretsReader';

export const defaultContentReaders: ContentReaders = () => [packageReader(), secretsReader()];
