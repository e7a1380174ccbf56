/**
 * Scores a classifier on `utterance<TAB>id|id` lines: top-1 accuracy, per-intent recall/precision
 * and the confusions. A prediction is right when it is any of the accepted ids.
 */
export interface LabelledExample {
  text: string;
  accepted: string[];
}

export interface IntentScore {
  intent: string;
  support: number;
  recall: number;
  precision: number;
  f1: number;
}

export interface Confusion {
  expected: string;
  predicted: string;
  count: number;
  examples: string[];
}

export interface EvalReport {
  total: number;
  correct: number;
  accuracy: number;
  macroF1: number;
  perIntent: IntentScore[];
  confusions: Confusion[];
}

/** Parses an eval TSV: `#` lines and blank lines are skipped, a `text<TAB>intent` header is skipped. */
export function parseEvalTsv(content: string): LabelledExample[] {
  const out: LabelledExample[] = [];
  for (const [i, line] of content.split(/\r?\n/).entries()) {
    if (!line.trim() || line.startsWith('#')) continue;
    const tab = line.lastIndexOf('\t');
    if (tab < 0) throw new Error(`line ${i + 1}: expected "utterance<TAB>intent"`);
    const text = line.slice(0, tab);
    const ids = line
      .slice(tab + 1)
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
    if (i === 0 && text === 'text' && ids[0] === 'intent') continue;
    if (!ids.length) throw new Error(`line ${i + 1}: no intent id after the tab`);
    out.push({ text, accepted: ids });
  }
  return out;
}

/** Runs `predict` over the examples and computes the report. */
export function evaluate(examples: LabelledExample[], predict: (text: string) => string): EvalReport {
  const tp = new Map<string, number>();
  const support = new Map<string, number>();
  const predictedCount = new Map<string, number>();
  const confusions = new Map<string, Confusion>();
  const inc = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  let correct = 0;
  for (const ex of examples) {
    const predicted = predict(ex.text);
    // With several accepted ids the first is the one recall is counted for, unless another was predicted.
    const expected = ex.accepted.includes(predicted) ? predicted : ex.accepted[0];
    inc(support, expected);
    inc(predictedCount, predicted);
    if (predicted === expected) {
      correct++;
      inc(tp, expected);
    } else {
      const key = `${expected}\u0000${predicted}`;
      const c = confusions.get(key) ?? { expected, predicted, count: 0, examples: [] };
      c.count++;
      if (c.examples.length < 3) c.examples.push(ex.text);
      confusions.set(key, c);
    }
  }
  const intents = [...new Set([...support.keys(), ...predictedCount.keys()])].sort();
  const perIntent = intents.map((intent) => {
    const t = tp.get(intent) ?? 0;
    const s = support.get(intent) ?? 0;
    const p = predictedCount.get(intent) ?? 0;
    const recall = s ? t / s : 0;
    const precision = p ? t / p : 0;
    const f1 = recall + precision ? (2 * recall * precision) / (recall + precision) : 0;
    return { intent, support: s, recall, precision, f1 };
  });
  const scored = perIntent.filter((x) => x.support > 0);
  return {
    total: examples.length,
    correct,
    accuracy: examples.length ? correct / examples.length : 0,
    macroF1: scored.length ? scored.reduce((a, x) => a + x.f1, 0) / scored.length : 0,
    perIntent,
    confusions: [...confusions.values()].sort((a, b) => b.count - a.count),
  };
}

/** The report as plain text for a terminal. */
export function formatReport(r: EvalReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `top-1 accuracy: ${pct(r.accuracy)} (${r.correct}/${r.total})`,
    `macro-F1: ${r.macroF1.toFixed(3)}`,
    '',
    'intent                        support  recall  precision',
    ...r.perIntent.map((x) => `${x.intent.padEnd(30)}${String(x.support).padStart(7)}  ${pct(x.recall).padStart(6)}  ${pct(x.precision).padStart(9)}`),
    '',
    r.confusions.length ? 'confusions (expected → predicted):' : 'confusions: none',
    ...r.confusions.map((c) => `  ${c.expected} → ${c.predicted} ×${c.count}: ${c.examples.join(' | ')}`),
  ];
  return lines.join('\n');
}
