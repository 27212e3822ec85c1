import { Equals, IsInt, IsString, Matches } from 'class-validator';
import { HasTextLength } from '../validators';
import { IDENTIFIER_LENGTH_MAX, WORKSPACE_ID_LENGTH_MAX } from '../limits';
import { IsInstant } from '../validators';

// Workspace ids name streams (`credits-<workspaceId>`) and appear in URLs, so they are kept to a
// safe alphabet; `*` in particular is reserved for service tokens.
export const WORKSPACE_ID_PATTERN = new RegExp(
  `^[A-Za-z0-9][A-Za-z0-9._:-]{0,${WORKSPACE_ID_LENGTH_MAX - 1}}$`,
);

/** WORKSPACE_ID_PATTERN in words: what every door says when it refuses a workspace id. */
export const WORKSPACE_ID_RULE = `a workspace id must be 1 to ${WORKSPACE_ID_LENGTH_MAX} characters of letters, digits, ".", "_", ":" or "-", the first a letter or digit`;

/** Fields every inbound message carries. */
export abstract class MessageEnvelope {
  @IsString()
  @HasTextLength(1, IDENTIFIER_LENGTH_MAX)
  eventId!: string;

  @IsInt()
  @Equals(1)
  schemaVersion!: number;

  @IsInstant()
  occurredAt!: string;

  @IsString()
  @Matches(WORKSPACE_ID_PATTERN, { message: WORKSPACE_ID_RULE })
  workspaceId!: string;
}
