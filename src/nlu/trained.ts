/**
 * A model trained on a labelled file (`jianli classify --train`, `jianli eval --train`) instead of
 * the knowledge base: the assistant's own path (normalise, segment, the classifier built by
 * `classifierFor`, all as knowledge/nlu.yaml sets them), answering the ranking's top label.
 *
 * What it leaves out is what only makes sense for the assistant's domain: there is no `fallback`
 * class to fall back to, so no other-domain rule, no domain-evidence check and no answer/suggest
 * thresholds. A message with no feature seen in training gets the most frequent label, which is
 * what the Bayes prior alone would say.
 */
import type { NluFile } from '../schema/knowledge';
import type { IntentClassifier } from './classifier';
import type { LabelledExample } from './evaluate';
import { classifierFor, readMessage } from './nlu';
import { Segmenter } from './segment';

export interface Classification {
  text: string;
  intent: string;
  confidence: number;
}

export class TrainedNlu {
  private readonly segmenter: Segmenter;
  private readonly classifier: IntentClassifier<string>;
  private readonly mostFrequent: string;

  constructor(
    private readonly config: NluFile,
    examples: LabelledExample[],
  ) {
    if (!examples.length) throw new Error('the training file has no examples');
    this.segmenter = new Segmenter(config);
    this.classifier = classifierFor<string>(config);
    // A line with several accepted ids teaches its first one, the id recall is counted for.
    const features = this.segmenter.trainingFeatures(examples.map((e) => readMessage(e.text, config.maxChars).normalized));
    examples.forEach((e, i) => this.classifier.add(features[i], e.accepted[0]));
    this.classifier.train();
    this.mostFrequent = this.classifier.labelsByFrequency()[0] ?? examples[0].accepted[0];
  }

  classify(text: string): Classification {
    const { normalized } = readMessage(text, this.config.maxChars);
    const top = this.classifier.rank(this.segmenter.features(normalized))[0];
    return top ? { text, intent: top.label, confidence: top.score } : { text, intent: this.mostFrequent, confidence: 0 };
  }
}
