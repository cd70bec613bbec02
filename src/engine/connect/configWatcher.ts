/**
 * Watches the docker CLI's config folder for what changes the candidates or the active
 * engine: config.json (`docker context use`) and contexts/meta (a context created,
 * removed or edited). Node's own recursive watch (inotify on Linux): it sees new
 * subfolders, and needs no workspace. A folder that does not exist yet is waited for in
 * its parent.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Watch {
  close(): void;
}

function relevant(file: string | null): boolean {
  if (!file) {
    return true; // the platform did not say which: assume it matters
  }
  const f = file.split(path.sep).join('/');
  return f === 'config.json' || f === 'contexts' || f.startsWith('contexts/meta');
}

export function watchDockerConfig(configDir: string, onChange: () => void): Watch {
  let watcher: fs.FSWatcher | undefined;
  let closed = false;
  const watchFolder = () => {
    try {
      watcher = fs.watch(configDir, { recursive: true, persistent: false }, (_event, file) => {
        if (relevant(file)) {
          onChange();
        }
      });
      watcher.on('error', () => undefined); // the folder went away; nothing to report
      return true;
    } catch {
      return false;
    }
  };
  if (!watchFolder()) {
    // Not there yet (no docker CLI used so far): wait for it to appear.
    try {
      const parent = fs.watch(path.dirname(configDir), { persistent: false }, (_event, file) => {
        if (!closed && file === path.basename(configDir) && fs.existsSync(configDir)) {
          parent.close();
          if (watchFolder()) {
            onChange();
          }
        }
      });
      parent.on('error', () => undefined);
      watcher = parent;
    } catch {
      // Nowhere to watch: the picker still rediscovers each time it opens.
    }
  }
  return {
    close() {
      closed = true;
      watcher?.close();
    },
  };
}
