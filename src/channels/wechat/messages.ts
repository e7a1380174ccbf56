/** The channel's own sentences, read from knowledge/messages.yaml like every fixed text. */
import { join } from 'node:path';
import { DEFAULT_ROOT, readDataFile } from '../../knowledge/load';
import { MessagesFile } from '../../schema/knowledge';
import type { WeChatMessages } from './responder';

/**
 * The channel's own sentences about the parts of a long answer (knowledge/messages.yaml has no
 * place for them yet; a caller's `messages` may override them). `{part}`, `{next}` and `{total}`
 * are filled in.
 */
export const WECHAT_PART_TEXTS = {
  wechatNextPart: '回复 0 查看下一部分（{next}/{total}）',
  wechatPartHeader: '（{part}/{total}）',
  wechatNoMoreParts: '上一条回答已经全部发完，没有待查看的下一部分了。请直接输入您的问题。',
} as const;

/** Reads (and validates) knowledge/messages.yaml below `root`; throws KnowledgeFileError when it is broken. */
export function loadWeChatMessages(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): WeChatMessages {
  const messages = readDataFile(join(root, 'knowledge', 'messages.yaml'), MessagesFile, 'knowledge/messages.yaml');
  return { wechatUnsupported: messages.wechatUnsupported, wechatLater: messages.wechatLater, choicesHeading: messages.choicesHeading, ...WECHAT_PART_TEXTS };
}
