/**
 * The three engines of the NLU benchmark behind one interface. Each module is imported inside
 * `createEngine`, so the benchmark's memory figure includes the engine's libraries and dictionaries.
 *
 * - ours: the assistant's NLU. On the domain data it is the assistant's own model (Nlu, with its
 *   fallback rules); on a general data set it is TrainedNlu, the `jianli eval --train` path.
 * - nlpjs: NLP.js as its documentation sets it up for Chinese (containerBootstrap, Nlp, LangZh),
 *   answering its own `None` intent under its default threshold (0.5).
 * - natural: natural's BayesClassifier, as shipped, over tokens from jieba's default dictionary.
 */
import type { LabelledExample } from '../src/nlu/evaluate';
import type { DatasetName } from './nlu-data';

export type EngineName = 'ours' | 'nlpjs' | 'natural';
export const ENGINES: EngineName[] = ['ours', 'nlpjs', 'natural'];
export const ENGINE_TITLES: Record<EngineName, string> = {
  ours: 'ours (jianli NLU)',
  nlpjs: 'NLP.js 4 (@nlpjs/nlp + lang-zh)',
  natural: 'natural BayesClassifier (baseline)',
};

/** The label an engine gives when it declines to answer. */
export const NO_ANSWER = 'fallback';

export interface Engine {
  train(examples: LabelledExample[]): Promise<void>;
  classify(text: string): Promise<string>;
}

export async function createEngine(name: EngineName, dataset: DatasetName): Promise<Engine> {
  if (name === 'ours') return dataset === 'domain' ? oursDomain() : oursTrained();
  if (name === 'nlpjs') return nlpjs();
  return naturalBaseline();
}

async function oursDomain(): Promise<Engine> {
  const [{ loadKnowledge }, { domainNlu }] = await Promise.all([import('../src/knowledge/load'), import('../src/nlu/nlu')]);
  // The whole knowledge base for its settings and its place names (neutral, as in the assistant).
  const k = loadKnowledge();
  let nlu: ReturnType<typeof domainNlu> | undefined;
  return {
    async train(examples) {
      const byIntent = new Map<string, string[]>();
      for (const e of examples) byIntent.set(e.accepted[0], [...(byIntent.get(e.accepted[0]) ?? []), e.text]);
      // Trained every time (no JIANLI_NLU_CACHE): the training time is one of the columns.
      nlu = domainNlu(k, { training: byIntent as Map<never, string[]>, cache: null });
    },
    async classify(text) {
      return nlu!.understand(text).intent;
    },
  };
}

async function oursTrained(): Promise<Engine> {
  const [{ loadNluConfig }, { TrainedNlu }] = await Promise.all([import('../src/knowledge/load'), import('../src/nlu/trained')]);
  const config = loadNluConfig();
  let model: InstanceType<typeof TrainedNlu> | undefined;
  return {
    async train(examples) {
      model = new TrainedNlu(config, examples);
    },
    async classify(text) {
      return model!.classify(text).intent;
    },
  };
}

async function nlpjs(): Promise<Engine> {
  const [{ containerBootstrap }, { Nlp }, { LangZh }] = await Promise.all([import('@nlpjs/core'), import('@nlpjs/nlp'), import('@nlpjs/lang-zh')]);
  const container = await containerBootstrap();
  container.use(Nlp);
  container.use(LangZh);
  const nlp = container.get('nlp');
  nlp.settings.autoSave = false;
  nlp.settings.autoLoad = false;
  // Only silences the per-epoch training log; the model is unchanged.
  nlp.nluManager.settings.log = false;
  nlp.addLanguage('zh');
  return {
    async train(examples) {
      for (const e of examples) nlp.addDocument('zh', e.text, e.accepted[0]);
      await nlp.train();
    },
    async classify(text) {
      const { intent } = await nlp.process('zh', text);
      return intent === 'None' ? NO_ANSWER : intent;
    },
  };
}

async function naturalBaseline(): Promise<Engine> {
  const [{ default: BayesClassifier }, { Jieba }, { dict }] = await Promise.all([
    import('natural/lib/natural/classifiers/bayes_classifier.js'),
    import('@node-rs/jieba'),
    import('@node-rs/jieba/dict.js'),
  ]);
  const jieba = Jieba.withDict(dict);
  const tokens = (text: string) => jieba.cut(text, true).filter((t) => /[\p{L}\p{N}]/u.test(t));
  const classifier = new BayesClassifier();
  return {
    async train(examples) {
      for (const e of examples) classifier.addDocument(tokens(e.text), e.accepted[0]);
      classifier.train();
    },
    async classify(text) {
      return classifier.classify(tokens(text));
    },
  };
}
