/**
 * The run configuration's fields as the Dockerfile instructions that set them: how a change
 * is named to a person, the same in `strata diff` and the Compare panel (which bundles this
 * file, not the analysis).
 */
export type ConfigField = 'env' | 'user' | 'exposedPorts' | 'entrypoint' | 'cmd' | 'workdir' | 'labels';

const INSTRUCTIONS: Record<ConfigField, string> = {
  env: 'ENV',
  user: 'USER',
  exposedPorts: 'EXPOSE',
  entrypoint: 'ENTRYPOINT',
  cmd: 'CMD',
  workdir: 'WORKDIR',
  labels: 'LABEL',
};

/** A change's name: its instruction, and the variable, label or port for keyed fields ("LABEL version"). */
export function configChangeName(change: { field: ConfigField; key?: string }): string {
  return `${INSTRUCTIONS[change.field]}${change.key !== undefined ? ` ${change.key}` : ''}`;
}
