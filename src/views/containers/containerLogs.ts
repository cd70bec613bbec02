import * as vscode from 'vscode';
import type { EngineRef } from '../../engine/activeEngine';
import { type LogFollower, followContainerLogs } from '../../engine/streams/followLogs';
import { LineBatcher, type LogPosition } from '../../engine/streams/logStream';

export interface LogSettings {
  timestamps(): boolean;
  markStderr(): boolean;
}

interface Followed {
  channel: vscode.OutputChannel;
  title: string;
  follower?: LogFollower;
  /** Where the last follower got to, so the next one neither repeats nor loses a line. */
  position?: LogPosition;
  /** The channel's last text (an OutputChannel cannot be read back), to carry it over on removal. */
  tail: string;
  /** When its last follower ended (the container stopped), in ms since the epoch. */
  endedAt?: number;
}

/** How much of a removed container's output its "(removed)" channel keeps. */
const TAIL_CHARS = 256 * 1024;

/**
 * One Output channel per container, keyed by its id: `Strata: <name>`, or `Strata: <name>
 * · <short id>` when another container had that name. Each channel has at most one
 * follower; a follower that ended (the container stopped) is started again from where it
 * stopped when the channel is shown again or the container starts again. Lines reach the
 * channel in batches (50 ms or 64 KB), never one by one. When the container is removed,
 * its channel becomes `Strata: <name> (removed)` with its last output, until closed.
 */
export class ContainerLogs implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();
  private readonly removed = new Set<vscode.OutputChannel>();

  constructor(
    private readonly ref: EngineRef,
    private readonly settings: LogSettings,
  ) {}

  channelName(containerName: string, containerId?: string): string {
    const plain = `Strata: ${containerName}`;
    const taken = [...this.followed.entries()].some(([id, e]) => id !== containerId && e.title === plain);
    return taken && containerId ? `${plain} · ${containerId.slice(0, 12)}` : plain;
  }

  /** The channel's title for a container shown before (tests and the removal look it up). */
  titleOf(containerId: string): string | undefined {
    return this.followed.get(containerId)?.title;
  }

  /** Shows the container's channel, following its logs unless that is already going on. */
  show(containerId: string, containerName: string, preserveFocus = true): vscode.OutputChannel {
    let entry = this.followed.get(containerId);
    if (!entry) {
      const title = this.channelName(containerName, containerId);
      entry = { channel: vscode.window.createOutputChannel(title), title, tail: '' };
      this.followed.set(containerId, entry);
    }
    entry.channel.show(preserveFocus);
    if (!entry.follower) {
      this.follow(containerId, entry);
    }
    return entry.channel;
  }

  /** When a container starts again, its open channel follows it again. */
  containerStarted(containerId: string): void {
    const entry = this.followed.get(containerId);
    if (entry && !entry.follower) {
      this.follow(containerId, entry);
    }
  }

  /**
   * The container was removed: its follower ends, and its channel is replaced by one
   * titled "(removed)" holding its last output, so the name is free for a new container
   * and nothing the user was reading is lost.
   */
  containerRemoved(containerId: string): void {
    const entry = this.followed.get(containerId);
    if (!entry) {
      return;
    }
    this.followed.delete(containerId);
    // Followed now, or until just now (a run with --rm ends, then is removed).
    const live = entry.follower !== undefined || (entry.endedAt !== undefined && Date.now() - entry.endedAt < 15_000);
    const finish = () => {
      const kept = vscode.window.createOutputChannel(vscode.l10n.t('{0} (removed)', entry.title));
      kept.append(entry.tail);
      this.removed.add(kept);
      // A container being followed (a run with --rm that just ended): its output stays in view.
      if (live) {
        kept.show(true);
      }
      entry.channel.dispose();
    };
    if (entry.follower) {
      entry.follower.stop();
      void entry.follower.done.then(finish);
    } else {
      finish();
    }
  }

  /**
   * Another engine is active: followers of the old one's containers stop, and their
   * channels keep their text. (Container ids are unique, so a channel shown again later
   * on the engine its container lives on follows it from where it stopped.)
   */
  engineSwitched(to: string): void {
    for (const entry of this.followed.values()) {
      const follower = entry.follower;
      if (follower) {
        follower.stop();
        // After the follower's own last lines are flushed (its `done` handler runs first).
        void follower.done.then(() => entry.channel.appendLine(vscode.l10n.t('— Strata switched to the engine {0}; following stopped —', to)));
      }
    }
  }

  private follow(containerId: string, entry: Followed): void {
    const batcher = new LineBatcher((text) => {
      entry.channel.append(text);
      entry.tail = (entry.tail + text).slice(-TAIL_CHARS);
    });
    const timestamps = this.settings.timestamps();
    const markStderr = this.settings.markStderr();
    const follower = followContainerLogs(
      this.ref.engine,
      containerId,
      {
        line: (line) => {
          const stamp = timestamps && line.timestamp ? `${line.timestamp} ` : '';
          const mark = markStderr && line.source === 'stderr' ? '[stderr] ' : '';
          batcher.add(`${stamp}${mark}${line.text}`);
        },
        notice: (text) => batcher.add(text),
      },
      { resumeFrom: entry.position },
    );
    entry.follower = follower;
    void follower.done.then(() => {
      entry.position = follower.position();
      entry.endedAt = Date.now();
      batcher.flush();
      batcher.dispose();
      if (entry.follower === follower) {
        entry.follower = undefined;
      }
    });
  }

  dispose(): void {
    for (const entry of this.followed.values()) {
      entry.follower?.stop();
      entry.channel.dispose();
    }
    this.followed.clear();
    for (const channel of this.removed) {
      channel.dispose();
    }
    this.removed.clear();
  }
}
