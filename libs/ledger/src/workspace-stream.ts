const streamPrefix = 'credits-';

/** The one stream that holds a workspace's credit events. */
export function workspaceStreamName(workspaceId: string): string {
  return `${streamPrefix}${workspaceId}`;
}

export function workspaceIdOfStream(streamName: string): string | null {
  return streamName.startsWith(streamPrefix) ? streamName.slice(streamPrefix.length) : null;
}

export const workspaceStreamPrefix = streamPrefix;
