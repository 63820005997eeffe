// Contract types the message services use, named once.
import type { MessageView, MethodOutput, MethodParsedInput as Parsed } from '../contract/index.js';

export type MethodParsedInput = Parsed<'messages.browse'>;
export type BrowseOutput = MethodOutput<'messages.browse'>;
export type MessageParsed = MessageView;
