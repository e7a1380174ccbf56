/**
 * Loads knowledge/ and dialogs/, validates every file with zod and cross-checks references.
 * Anything wrong throws a KnowledgeFileError naming the file and the field.
 */
import { loadCards, loadCardSettings, type CardSet } from './cards';
import type { CardSettings } from '../schema/cards';
import { existsSync } from 'node:fs';
import { join, relative, basename } from 'node:path';
import type { ZodType, ZodTypeDef } from 'zod';
import { AnswerFile, INTENT_IDS, MessagesFile, NluFile, PhrasesFile, SourcesFile, type IntentId, type RelatedRef } from '../schema/knowledge';
import { DialogFile, type Transition } from '../schema/dialog';
import { ConversationFile, FollowUpsFile } from '../schema/conversation';
import { KnowledgeFileError, type FieldProblem } from './errors';
import { DEFAULT_ROOT, readDataFile, yamlFiles } from './files';

export { DEFAULT_ROOT, loadNluConfig, readDataFile, yamlFiles } from './files';
import { MaterialsFile, RegionFile, RulesFile } from '../schema/rules';
import { InterviewFile } from '../schema/interview';
import type { RuleBook } from '../rules/check';
import { RegionIndex } from '../rules/region';

/** Everything the engine needs, validated and indexed. */
export interface Knowledge {
  root: string;
  sources: SourcesFile['sources'];
  messages: MessagesFile;
  nlu: NluFile;
  phrases: Map<IntentId, string[]>;
  answers: Map<IntentId, AnswerFile>;
  dialogs: Map<string, DialogFile>;
  /** The rule checker's data, ready for checkEligibility. */
  rules: RuleBook;
  regions: RegionIndex;
  interview: InterviewFile;
  /** The conversation layer's words, intent roles and sentences (knowledge/conversation.yaml). */
  conversation: ConversationFile;
  /** What short follow-ups get after each subject's answer (knowledge/followups.yaml). */
  followUps: FollowUpsFile;
  /** The answer cards (knowledge/cards/*.yaml) and their ranking settings; the index is built by the engine. */
  cards: CardSet & { settings: CardSettings };
}

/** The eligibility interview lives beside the FAQ flows but has its own schema. */
const INTERVIEW_FILE = 'interview.yaml';

/** Loads and checks all data files below `root` (default: the project). */
export function loadKnowledge(root: string = process.env.JIANLI_KNOWLEDGE_ROOT ?? DEFAULT_ROOT): Knowledge {
  const kdir = join(root, 'knowledge');
  const show = (p: string) => relative(root, p) || p;
  const read = <T>(p: string, schema: ZodType<T, ZodTypeDef, unknown>) => {
    if (!existsSync(p)) throw new KnowledgeFileError(show(p), [{ field: '', message: 'file is missing' }]);
    return readDataFile(p, schema, show(p));
  };

  const sources = read(join(kdir, 'sources.yaml'), SourcesFile).sources;
  const messages = read(join(kdir, 'messages.yaml'), MessagesFile);
  const nlu = read(join(kdir, 'nlu.yaml'), NluFile);
  const conversation = read(join(kdir, 'conversation.yaml'), ConversationFile);
  const followUps = read(join(kdir, 'followups.yaml'), FollowUpsFile);

  const phrases = new Map<IntentId, string[]>();
  for (const file of yamlFiles(join(kdir, 'phrases'))) {
    const data = read(file, PhrasesFile);
    expectNamed(file, data.intent, show);
    phrases.set(data.intent, data.phrases);
  }

  const answers = new Map<IntentId, AnswerFile>();
  for (const file of yamlFiles(join(kdir, 'answers'))) {
    const data = read(file, AnswerFile);
    expectNamed(file, data.intent, show);
    answers.set(data.intent, data);
  }

  const dialogs = new Map<string, DialogFile>();
  for (const file of yamlFiles(join(root, 'dialogs'))) {
    if (basename(file) === INTERVIEW_FILE) continue;
    const data = read(file, DialogFile);
    if (basename(file).replace(/\.ya?ml$/, '') !== data.id) {
      throw new KnowledgeFileError(show(file), [{ field: 'id', message: `must match the file name (${basename(file)})` }]);
    }
    dialogs.set(data.id, data);
  }

  const rulesFile = read(join(kdir, 'rules.yaml'), RulesFile);
  const materials = read(join(kdir, 'materials.yaml'), MaterialsFile);
  const regionFiles = new Map<string, RegionFile>();
  for (const file of yamlFiles(join(kdir, 'regions'))) {
    const data = read(file, RegionFile);
    if (regionFiles.has(data.province)) throw new KnowledgeFileError(show(file), [{ field: 'province', message: `${data.province} is already defined by another file` }]);
    regionFiles.set(data.province, data);
    const problems: FieldProblem[] = [];
    [...data.materials, ...data.nextSteps, ...data.notes].forEach((e, i) => {
      if (!sources[e.source]) problems.push({ field: `entry ${i + 1}.source`, message: `unknown source "${e.source}"` });
    });
    if (problems.length) throw new KnowledgeFileError(show(file), problems);
  }
  const interview = read(join(root, 'dialogs', INTERVIEW_FILE), InterviewFile);
  const rules: RuleBook = { rules: rulesFile, materials, regions: regionFiles, sourceTitle: (id) => sources[id]?.title ?? id };

  const cards = { ...loadCards(root, { sources }), settings: loadCardSettings(root) };
  const knowledge: Knowledge = { root, sources, messages, nlu, phrases, answers, dialogs, rules, regions: new RegionIndex(regionFiles.values()), interview, conversation, followUps, cards };
  crossCheck(knowledge, kdir, show);
  checkFollowUps(knowledge, kdir, show);
  checkRuleSources(knowledge, kdir, show);
  return knowledge;
}

function expectNamed(file: string, intent: string, show: (p: string) => string): void {
  if (basename(file).replace(/\.ya?ml$/, '') !== intent) {
    throw new KnowledgeFileError(show(file), [{ field: 'intent', message: `must match the file name (${basename(file)})` }]);
  }
}

/** References between files: intents complete, sources, related questions, flows and transitions exist. */
function crossCheck(k: Knowledge, kdir: string, show: (p: string) => string): void {
  for (const intent of INTENT_IDS) {
    if (!k.phrases.has(intent)) {
      throw new KnowledgeFileError(show(join(kdir, 'phrases', `${intent}.yaml`)), [{ field: '', message: `intent ${intent} has no training phrases` }]);
    }
    if (intent !== 'fallback' && !k.answers.has(intent)) {
      throw new KnowledgeFileError(show(join(kdir, 'answers', `${intent}.yaml`)), [{ field: '', message: `intent ${intent} has no answer` }]);
    }
  }
  const checkSources = (ids: string[], field: string, problems: FieldProblem[]) =>
    ids.forEach((id, i) => {
      if (!k.sources[id]) problems.push({ field: `${field}.${i}`, message: `unknown source "${id}" (see knowledge/sources.yaml)` });
    });
  const checkRelated = (refs: RelatedRef[], field: string, problems: FieldProblem[]) =>
    refs.forEach((r, i) => {
      const id = typeof r === 'string' ? r : r.intent;
      if (id !== 'fallback' && !k.answers.has(id)) problems.push({ field: `${field}.${i}`, message: `no answer for intent "${id}"` });
    });

  const reasonCards = Object.entries(k.cards.settings.reasonCards).filter(([, id]) => !k.cards.byId.has(id));
  if (reasonCards.length)
    throw new KnowledgeFileError(
      show(join(kdir, 'cards-settings.yaml')),
      reasonCards.map(([reason, id]) => ({ field: `reasonCards.${reason}`, message: `no card "${id}" in knowledge/cards/` })),
    );

  for (const [intent, file] of k.answers) {
    const problems: FieldProblem[] = [];
    checkSources(file.answer.sources, 'answer.sources', problems);
    checkRelated(file.related, 'related', problems);
    if (file.flow && !k.dialogs.has(file.flow)) problems.push({ field: 'flow', message: `no dialog "${file.flow}" in dialogs/` });
    if (problems.length) throw new KnowledgeFileError(show(join(kdir, 'answers', `${intent}.yaml`)), problems);
  }

  for (const [id, dialog] of k.dialogs) {
    const problems: FieldProblem[] = [];
    const checkTransition = (t: Transition, field: string) => {
      if ('step' in t && !dialog.steps[t.step]) problems.push({ field, message: `no step "${t.step}"` });
      if ('intent' in t && t.intent !== 'fallback' && !k.answers.has(t.intent)) problems.push({ field, message: `no answer for intent "${t.intent}"` });
    };
    if (!dialog.steps[dialog.start]) problems.push({ field: 'start', message: `no step "${dialog.start}"` });
    for (const [name, step] of Object.entries(dialog.steps)) {
      checkSources(step.sources, `steps.${name}.sources`, problems);
      checkRelated(step.related, `steps.${name}.related`, problems);
      if (step.answer && !k.answers.has(step.answer)) problems.push({ field: `steps.${name}.answer`, message: `no answer for intent "${step.answer}"` });
      if (step.ask) {
        checkTransition(step.ask.on.yes, `steps.${name}.ask.on.yes`);
        checkTransition(step.ask.on.no, `steps.${name}.ask.on.no`);
      }
    }
    if (problems.length) throw new KnowledgeFileError(show(join(k.root, 'dialogs', `${id}.yaml`)), problems);
  }
}

/** Every subject of knowledge/followups.yaml has an answer; every intent and source they lead to exists. */
function checkFollowUps(k: Knowledge, kdir: string, show: (p: string) => string): void {
  const problems: FieldProblem[] = [];
  const hasAnswer = (id: IntentId) => id !== 'fallback' && k.answers.has(id);
  const targets = [...Object.entries(k.followUps.subjects).map(([s, t]) => [`subjects.${s}`, t] as const), ['default', k.followUps.default] as const];
  for (const [subject] of Object.entries(k.followUps.subjects)) {
    if (!hasAnswer(subject as IntentId)) problems.push({ field: `subjects.${subject}`, message: `no answer for intent "${subject}"` });
  }
  for (const [where, byKind] of targets) {
    for (const [kind, t] of Object.entries(byKind)) {
      if (!t) continue;
      if ('intent' in t && !hasAnswer(t.intent)) problems.push({ field: `${where}.${kind}.intent`, message: `no answer for intent "${t.intent}"` });
      if ('text' in t) {
        t.sources.forEach((id, i) => !k.sources[id] && problems.push({ field: `${where}.${kind}.sources.${i}`, message: `unknown source "${id}"` }));
        t.related.forEach((id, i) => !hasAnswer(id) && problems.push({ field: `${where}.${kind}.related.${i}`, message: `no answer for intent "${id}"` }));
      }
    }
  }
  if (problems.length) throw new KnowledgeFileError(show(join(kdir, 'followups.yaml')), problems);
  const roles = k.conversation.intents;
  const roleProblems = roles.starters.flatMap((id, i) => (hasAnswer(id) ? [] : [{ field: `intents.starters.${i}`, message: `no answer for intent "${id}"` }]));
  if (roleProblems.length) throw new KnowledgeFileError(show(join(kdir, 'conversation.yaml')), roleProblems);
}

/** Every source cited by the rules, materials and interview exists; every rule's field is asked. */
function checkRuleSources(k: Knowledge, kdir: string, show: (p: string) => string): void {
  const missing = (ids: string[]) => ids.filter((id) => !k.sources[id]);
  const rulesProblems: FieldProblem[] = [];
  for (const [goal, spec] of Object.entries(k.rules.rules.goals)) {
    missing(spec.approvalDays?.sources ?? []).forEach((id) => rulesProblems.push({ field: `goals.${goal}.approvalDays.sources`, message: `unknown source "${id}"` }));
    spec.rules.forEach((r, i) => {
      missing(r.sources).forEach((id) => rulesProblems.push({ field: `goals.${goal}.rules.${i}.sources`, message: `unknown source "${id}"` }));
      if (!spec.fields.includes(r.when.field) && !spec.optional.includes(r.when.field)) {
        rulesProblems.push({ field: `goals.${goal}.rules.${i}.when.field`, message: `${r.when.field} is not in goals.${goal}.fields or goals.${goal}.optional` });
      }
    });
    for (const [status, steps] of Object.entries(spec.nextSteps)) {
      steps.forEach((s, i) => missing(s.sources).forEach((id) => rulesProblems.push({ field: `goals.${goal}.nextSteps.${status}.${i}.sources`, message: `unknown source "${id}"` })));
    }
  }
  if (rulesProblems.length) throw new KnowledgeFileError(show(join(kdir, 'rules.yaml')), rulesProblems);

  const materialProblems: FieldProblem[] = [];
  for (const [goal, list] of Object.entries(k.rules.materials.goals)) {
    list.forEach((m, i) => missing([m.source]).forEach((id) => materialProblems.push({ field: `goals.${goal}.${i}.source`, message: `unknown source "${id}"` })));
  }
  if (materialProblems.length) throw new KnowledgeFileError(show(join(kdir, 'materials.yaml')), materialProblems);

  const interviewProblems: FieldProblem[] = [];
  for (const [field, q] of Object.entries(k.interview.fields)) {
    missing(q.sources).forEach((id) => interviewProblems.push({ field: `fields.${field}.sources`, message: `unknown source "${id}"` }));
  }
  if (interviewProblems.length) throw new KnowledgeFileError(show(join(k.root, 'dialogs', INTERVIEW_FILE)), interviewProblems);
}
