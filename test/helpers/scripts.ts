/** Scripted conversations that more than one test or benchmark runs. */

/**
 * A whole conversation: a greeting, two questions, the eligibility interview from its request to
 * its verdict (Nanjing, left the employer, nothing outstanding), one more question and thanks.
 */
export const FULL_CONVERSATION: readonly string[] = [
  '你好',
  '注销需要什么材料',
  '照片有什么要求',
  '帮我看看我能不能注销',
  '我在南京，离职了，手上没有项目',
  '没有',
  '没有',
  '修满了',
  '愿意',
  '有',
  '审批要多久',
  '谢谢',
];
