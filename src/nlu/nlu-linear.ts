/**
 * A small sparse linear SVM (one-vs-rest, L2-regularised squared hinge loss) trained by dual
 * coordinate descent, the method of LIBLINEAR (Hsieh et al., 2008), over TF-IDF weighted,
 * L2-normalised binary features.
 *
 * Why it is written here: natural's discriminative models (LogisticRegressionClassifier,
 * MaxEntClassifier) keep dense vectors over the whole vocabulary and train for minutes on a few
 * thousand phrases, and no well-kept npm package offers a sparse linear classifier. This one is
 * ~100 lines, trains the assistant's 2,500 phrases in well under a second, costs one sparse dot
 * product per intent to score, and is deterministic: examples are visited in an order shuffled by
 * a seeded generator, so the same data always gives the same weights.
 */

/** A message as feature indices and their weights (L2-normalised). */
interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

export interface LinearSvmOptions {
  /** Cost of a margin violation; larger fits the training data more closely. */
  C: number;
  /**
   * Passes over the data at most; training stops earlier once no example's projected gradient
   * exceeds `tolerance` (0.01: the same CV accuracy as 0.001 with ~40% fewer passes).
   */
  maxEpochs?: number;
  tolerance?: number;
  seed?: number;
}

/** mulberry32: a tiny seeded generator, so the visiting order (and the model) never varies. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LinearSvm<L extends string = string> {
  private readonly index = new Map<string, number>();
  private readonly docs: { features: string[]; label: L }[] = [];
  private idf = new Float64Array(0);
  /** One weight vector per label; the last entry is the bias. */
  private weights: Float64Array[] = [];
  private labelList: L[] = [];

  constructor(private readonly options: LinearSvmOptions) {
    if (!(options.C > 0)) throw new Error('LinearSvm: C must be positive');
  }

  add(features: string[], label: L): void {
    if (!features.length) return;
    this.docs.push({ features: [...new Set(features)], label });
  }

  get labels(): readonly L[] {
    return this.labelList;
  }

  train(): void {
    const { C, maxEpochs = 100, tolerance = 1e-2, seed = 1 } = this.options;
    this.index.clear();
    for (const d of this.docs) for (const f of d.features) if (!this.index.has(f)) this.index.set(f, this.index.size);
    const v = this.index.size;
    const n = this.docs.length;
    // Smoothed IDF, as scikit-learn's TfidfVectorizer: rare features weigh more than common ones.
    const df = new Float64Array(v);
    for (const d of this.docs) for (const f of d.features) df[this.index.get(f)!]++;
    this.idf = df.map((x) => Math.log((1 + n) / (1 + x)) + 1);
    const xs = this.docs.map((d) => this.vector(d.features));
    // Labels in first-seen order: training data order, so deterministic.
    this.labelList = [...new Set(this.docs.map((d) => d.label))];
    const y = this.docs.map((d) => this.labelList.indexOf(d.label));
    const diag = 1 / (2 * C);
    // Q_ii = x·x + 1 (bias) + 1/(2C) for the squared hinge loss.
    const qii = xs.map((x) => x.val.reduce((a, b) => a + b * b, 0) + 1 + diag);
    this.weights = this.labelList.map((_, c) => {
      const w = new Float64Array(v + 1);
      const alpha = new Float64Array(n);
      const random = seeded(seed + c);
      const order = Array.from({ length: n }, (_, i) => i);
      for (let epoch = 0; epoch < maxEpochs; epoch++) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
        let maxViolation = 0;
        for (const i of order) {
          const x = xs[i];
          const yi = y[i] === c ? 1 : -1;
          let dot = w[v];
          for (let k = 0; k < x.idx.length; k++) dot += w[x.idx[k]] * x.val[k];
          const g = yi * dot - 1 + diag * alpha[i];
          const projected = alpha[i] === 0 ? Math.min(g, 0) : g;
          maxViolation = Math.max(maxViolation, Math.abs(projected));
          if (projected === 0) continue;
          const old = alpha[i];
          alpha[i] = Math.max(old - g / qii[i], 0);
          const step = (alpha[i] - old) * yi;
          for (let k = 0; k < x.idx.length; k++) w[x.idx[k]] += step * x.val[k];
          w[v] += step;
        }
        if (maxViolation < tolerance) break;
      }
      return w;
    });
  }

  /** Decision values per label, in `labels` order (features unseen in training are ignored). */
  scores(features: string[]): number[] {
    const x = this.vector([...new Set(features)]);
    const bias = this.index.size;
    return this.weights.map((w) => {
      let dot = w[bias];
      for (let k = 0; k < x.idx.length; k++) dot += w[x.idx[k]] * x.val[k];
      return dot;
    });
  }

  private vector(features: string[]): SparseVector {
    const idx: number[] = [];
    const val: number[] = [];
    for (const f of features) {
      const j = this.index.get(f);
      if (j === undefined) continue;
      idx.push(j);
      val.push(this.idf[j]);
    }
    const norm = Math.sqrt(val.reduce((a, b) => a + b * b, 0)) || 1;
    return { idx: Int32Array.from(idx), val: Float64Array.from(val, (x) => x / norm) };
  }
}
