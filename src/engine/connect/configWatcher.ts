/**
 * Watches the docker CLI's config folder for what changes the candidates, the active
 * engine or the registries logged in to: config.json (`docker context use`, `docker
 * login`) and contexts/meta (a context created, removed or edited). Each folder that
 * matters is watched on its own (the config folder, contexts, contexts/meta and each
 * context's folder), not with Node's recursive watch: on Linux that one watches each file
 * it has seen by its inode, and the CLI writes config.json anew and renames it over the old
 * one, after which no change to config.json was reported. A folder's own watch reports
 * every file renamed into it. Needs no workspace; a config folder that does not exist yet
 * is waited for in its parent.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Watch {
  close(): void;
}

function relevant(file: string): boolean {
  const f = file.split(path.sep).join('/');
  return f === 'config.json' || f === 'contexts' || f.startsWith('contexts/meta');
}

export function watchDockerConfig(configDir: string, onChange: () => void): Watch {
  const watchers = new Map<string, fs.FSWatcher>();
  let parent: fs.FSWatcher | undefined;
  let closed = false;
  const meta = path.join(configDir, 'contexts', 'meta');

  /** The folders whose entries matter now. */
  const folders = (): string[] => {
    let contexts: string[] = [];
    try {
      contexts = fs
        .readdirSync(meta, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => path.join(meta, d.name));
    } catch {
      // no contexts yet
    }
    return [configDir, path.join(configDir, 'contexts'), meta, ...contexts];
  };

  const forget = (folder: string) => {
    watchers.get(folder)?.close();
    watchers.delete(folder);
  };

  /** Watches the folders there are now, and no longer those that went. */
  const sync = () => {
    if (closed) {
      return;
    }
    const wanted = new Set(folders());
    for (const folder of [...watchers.keys()]) {
      if (!wanted.has(folder) || !fs.existsSync(folder)) {
        forget(folder);
      }
    }
    for (const folder of wanted) {
      if (watchers.has(folder)) {
        continue;
      }
      try {
        const watcher = fs.watch(folder, { persistent: false }, (_event, file) => {
          // A folder renamed in or out under a name watched: watched anew (it is another folder).
          if (file) {
            forget(path.join(folder, file.toString()));
          }
          sync();
          // The platform did not say which file: assume it matters.
          if (!file || relevant(path.relative(configDir, path.join(folder, file.toString())))) {
            onChange();
          }
        });
        watcher.on('error', () => forget(folder)); // the folder went away; nothing to report
        watchers.set(folder, watcher);
      } catch {
        // Not there (yet): the watch of the folder above sees it come.
      }
    }
  };

  sync();
  if (!watchers.has(configDir)) {
    // Not there yet (no docker CLI used so far): wait for it to appear.
    try {
      parent = fs.watch(path.dirname(configDir), { persistent: false }, (_event, file) => {
        if (!closed && file === path.basename(configDir) && fs.existsSync(configDir)) {
          parent?.close();
          parent = undefined;
          sync();
          onChange();
        }
      });
      parent.on('error', () => undefined);
    } catch {
      // Nowhere to watch: the picker still rediscovers each time it opens.
    }
  }
  return {
    close() {
      closed = true;
      parent?.close();
      for (const folder of [...watchers.keys()]) {
        forget(folder);
      }
    },
  };
}
