/** The channel's own sentences, read from knowledge/messages.yaml like every fixed text. */
import { join } from 'node:path';
import { DEFAULT_ROOT, readDataFile } from '../../knowledge/load';
import { MessagesFile } from '../../schema/knowledge';
import type { WeChatMessages } from './responder';

/** Reads (and validates) knowledge/messages.yaml below `root`; throws KnowledgeFileError when it is broken. */
export function loadWeChatMessages(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): WeChatMessages {
  const messages = readDataFile(join(root, 'knowledge', 'messages.yaml'), MessagesFile, 'knowledge/messages.yaml');
  return { wechatUnsupported: messages.wechatUnsupported, wechatLater: messages.wechatLater, choicesHeading: messages.choicesHeading };
}
