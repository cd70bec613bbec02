import * as vscode from 'vscode';
import type { EngineRef } from '../engine/activeEngine';
import { type LogFollower, followContainerLogs } from '../engine/followLogs';
import { LineBatcher, type LogPosition } from '../engine/logStream';

export interface LogSettings {
  timestamps(): boolean;
  markStderr(): boolean;
}

interface Followed {
  channel: vscode.OutputChannel;
  follower?: LogFollower;
  /** Where the last follower got to, so the next one neither repeats nor loses a line. */
  position?: LogPosition;
}

/**
 * One Output channel per container, `Strata: <name>`, reused when shown again. Each
 * channel has at most one follower; a follower that ended (the container stopped) is
 * started again from where it stopped when the channel is shown again or the container
 * starts again. Lines reach the channel in batches (50 ms or 64 KB), never one by one.
 */
export class ContainerLogs implements vscode.Disposable {
  private readonly followed = new Map<string, Followed>();

  constructor(
    private readonly ref: EngineRef,
    private readonly settings: LogSettings,
  ) {}

  channelName(containerName: string): string {
    return `Strata: ${containerName}`;
  }

  /** Shows the container's channel, following its logs unless that is already going on. */
  show(containerId: string, containerName: string, preserveFocus = true): vscode.OutputChannel {
    let entry = this.followed.get(containerId);
    if (!entry) {
      entry = { channel: vscode.window.createOutputChannel(this.channelName(containerName)) };
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
        void follower.done.then(() => entry.channel.appendLine(`— Strata switched to the engine ${to}; following stopped —`));
      }
    }
  }

  isFollowing(containerId: string): boolean {
    return Boolean(this.followed.get(containerId)?.follower);
  }

  private follow(containerId: string, entry: Followed): void {
    const batcher = new LineBatcher((text) => entry.channel.append(text));
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
  }
}
