import { Equals, IsInt, IsString, Length, Matches } from 'class-validator';
import { IDENTIFIER_LENGTH_MAX } from '../limits';
import { IsInstant } from '../validators';

// Workspace ids name streams (`credits-<workspaceId>`) and appear in URLs, so they are kept to a
// safe alphabet; `*` in particular is reserved for service tokens.
export const WORKSPACE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Fields every inbound message carries. */
export abstract class MessageEnvelope {
  @IsString()
  @Length(1, IDENTIFIER_LENGTH_MAX)
  eventId!: string;

  @IsInt()
  @Equals(1)
  schemaVersion!: number;

  @IsInstant()
  occurredAt!: string;

  @IsString()
  @Matches(WORKSPACE_ID_PATTERN, {
    message: 'workspaceId must be 1-128 characters of [A-Za-z0-9._:-]',
  })
  workspaceId!: string;
}
