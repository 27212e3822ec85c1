import { LoadedWorkspace } from './workspace-loader';

/**
 * Decided workspace states kept in memory for the partitions this instance owns. Bounded:
 * past `sizeMax` the least recently used workspace is dropped and reloads on its next command.
 */
export class WorkspaceCache {
  private readonly entries = new Map<string, LoadedWorkspace>();

  constructor(private readonly sizeMax: number) {}

  get(workspaceId: string): LoadedWorkspace | undefined {
    const entry = this.entries.get(workspaceId);
    if (entry) {
      this.entries.delete(workspaceId);
      this.entries.set(workspaceId, entry);
    }
    return entry;
  }

  set(workspaceId: string, entry: LoadedWorkspace): void {
    this.entries.delete(workspaceId);
    this.entries.set(workspaceId, entry);
    while (this.entries.size > this.sizeMax) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  forget(workspaceId: string): void {
    this.entries.delete(workspaceId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
