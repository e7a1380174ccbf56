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
import { must } from '../util/must';

/** A message as feature indices and their weights (L2-normalised). */
interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

export interface LinearSvmOptions {
  /** Cost of a margin violation; larger fits the training data more closely. */
  C: number;
  /**
   * Passes over the (active) examples at most; training stops earlier once the projected gradients
   * of all examples lie within `tolerance` of each other (LIBLINEAR's criterion; its default is
   * 0.1, 0.01 gives the same SMP2017 cross-validation accuracy as 0.001).
   */
  maxEpochs?: number;
  tolerance?: number;
  seed?: number;
  /**
   * Keep only weights of at least this size, as float32 rows by feature, never making the dense
   * matrix: a model of many labels (one per answer card) would need ~20 MB for it while training.
   */
  keepAbove?: number;
}

/** Weights kept as rows by feature (the last row the biases): row f is entries rowStart[f] … rowStart[f + 1] − 1 of (label, weight). */
interface SparseRows {
  rowStart: Int32Array;
  label: Uint16Array;
  weight: Float32Array;
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
  /**
   * Weights by feature: entry f × labels + c is feature f's weight for label c, the last row the
   * biases. Scoring reads one contiguous row per feature of the message.
   */
  private weights = new Float64Array(0);
  /** With keepAbove: the weights as sparse rows; `weights` is then empty. */
  private sparse?: SparseRows;
  private labelList: L[] = [];

  constructor(private readonly options: LinearSvmOptions) {
    if (!(options.C > 0)) throw new Error('LinearSvm: C must be positive');
  }

  add(features: string[], label: L): void {
    if (!features.length) return;
    this.docs.push({ features: [...new Set(features)], label });
  }

  /** Whether training saw this feature (an unseen one counts for nothing in scores()). */
  knows(feature: string): boolean {
    return this.index.has(feature);
  }

  get labels(): readonly L[] {
    return this.labelList;
  }

  train(): void {
    const { C, maxEpochs = 1000, tolerance = 0.01, seed = 1 } = this.options;
    this.index.clear();
    for (const d of this.docs) for (const f of d.features) if (!this.index.has(f)) this.index.set(f, this.index.size);
    const v = this.index.size;
    const n = this.docs.length;
    // Smoothed IDF, as scikit-learn's TfidfVectorizer: rare features weigh more than common ones.
    const df = new Float64Array(v);
    for (const d of this.docs) for (const f of d.features) df[must(this.index.get(f), `feature ${f}`)]++;
    this.idf = df.map((x) => Math.log((1 + n) / (1 + x)) + 1);
    const xs = this.docs.map((d) => this.vector(d.features));
    // Labels in first-seen order: training data order, so deterministic.
    this.labelList = [...new Set(this.docs.map((d) => d.label))];
    const y = this.docs.map((d) => this.labelList.indexOf(d.label));
    const diag = 1 / (2 * C);
    // Q_ii = x·x + 1 (bias) + 1/(2C) for the squared hinge loss.
    const qii = xs.map((x) => x.val.reduce((a, b) => a + b * b, 0) + 1 + diag);
    const k = this.labelList.length;
    const { keepAbove } = this.options;
    this.weights = new Float64Array(keepAbove === undefined ? (v + 1) * k : 0);
    // With keepAbove: each label's kept (feature, weight) pairs, made into rows at the end.
    const kept: { at: Int32Array; weight: Float32Array }[] = [];
    // One buffer of each kind for all labels: training leaves little garbage for the collector to
    // meet later, in the middle of classifying.
    const w = new Float64Array(v + 1);
    const alpha = new Float64Array(n);
    const order = new Int32Array(n);
    for (let c = 0; c < k; c++) {
      w.fill(0);
      alpha.fill(0);
      for (let i = 0; i < n; i++) order[i] = i;
      const random = seeded(seed + c);
      // Shrinking, as LIBLINEAR does it: an example at alpha = 0 whose gradient is above the
      // largest projected gradient of the previous pass is left out of the next passes; once the
      // active examples are solved, one full pass checks them all again.
      let active = n;
      let shrinkAbove = Infinity;
      for (let epoch = 0; epoch < maxEpochs; epoch++) {
        for (let s = active - 1; s > 0; s--) {
          const j = Math.floor(random() * (s + 1));
          const t = order[s];
          order[s] = order[j];
          order[j] = t;
        }
        let pgMax = -Infinity;
        let pgMin = Infinity;
        for (let s = 0; s < active; s++) {
          const i = order[s];
          const x = xs[i];
          const yi = y[i] === c ? 1 : -1;
          let dot = w[v];
          for (let k = 0; k < x.idx.length; k++) dot += w[x.idx[k]] * x.val[k];
          const g = yi * dot - 1 + diag * alpha[i];
          let projected = g;
          if (alpha[i] === 0) {
            if (g > shrinkAbove) {
              active--;
              order[s] = order[active];
              order[active] = i;
              s--;
              continue;
            }
            projected = Math.min(g, 0);
          }
          pgMax = Math.max(pgMax, projected);
          pgMin = Math.min(pgMin, projected);
          if (projected === 0) continue;
          const old = alpha[i];
          alpha[i] = Math.max(old - g / qii[i], 0);
          const step = (alpha[i] - old) * yi;
          for (let k = 0; k < x.idx.length; k++) w[x.idx[k]] += step * x.val[k];
          w[v] += step;
        }
        if (pgMax - pgMin <= tolerance) {
          if (active === n) break;
          active = n;
          shrinkAbove = Infinity;
          continue;
        }
        shrinkAbove = pgMax <= 0 ? Infinity : pgMax;
      }
      if (keepAbove === undefined) for (let j = 0; j <= v; j++) this.weights[j * k + c] = w[j];
      else {
        const at: number[] = [];
        for (let j = 0; j <= v; j++) if (Math.abs(w[j]) >= keepAbove) at.push(j);
        kept.push({ at: Int32Array.from(at), weight: Float32Array.from(at, (j) => w[j]) });
      }
    }
    if (keepAbove !== undefined) {
      this.sparse = rows(kept, v + 1);
      // A sparse model is not trained again: its examples go.
      this.docs.length = 0;
    }
  }

  /** The trained model as plain data (ModelCache); the training examples are not part of it. */
  snapshot(): { json: { features: string[]; labels: L[] }; arrays: Float64Array<ArrayBuffer>[] } {
    const json = { features: [...this.index.keys()], labels: [...this.labelList] };
    if (!this.sparse) return { json, arrays: [this.idf, this.weights] };
    const { rowStart, label, weight } = this.sparse;
    return { json, arrays: [this.idf, Float64Array.from(rowStart), Float64Array.from(label), Float64Array.from(weight)] };
  }

  /** Takes on a model snapshot() gave (dense: idf and weights; sparse: idf and its rows), instead of training. */
  restore(json: { features: string[]; labels: L[] }, arrays: readonly Float64Array<ArrayBuffer>[]): void {
    const [idf, ...rest] = arrays;
    const features = json.features.length;
    const dense = rest.length === 1 && rest[0].length === (features + 1) * json.labels.length;
    const sparse = rest.length === 3 && rest[0].length === features + 2 && rest[1].length === rest[2].length && rest[0][features + 1] === rest[1].length;
    if (idf?.length !== features || (!dense && !sparse)) throw new Error('LinearSvm: snapshot does not fit');
    this.index.clear();
    for (const f of json.features) this.index.set(f, this.index.size);
    this.labelList = [...json.labels];
    this.idf = idf;
    this.weights = dense ? rest[0] : new Float64Array(0);
    this.sparse = sparse ? { rowStart: Int32Array.from(rest[0]), label: Uint16Array.from(rest[1]), weight: Float32Array.from(rest[2]) } : undefined;
  }

  /**
   * Decision values per label, in `labels` order (features unseen in training are ignored). The
   * message's vector is built in buffers kept between calls: a typed array per message would give
   * the garbage collector thousands of small off-heap buffers to sweep, and its pauses would show
   * in the slowest classifications.
   */
  scores(features: readonly string[]): number[] {
    const unique = [...new Set(features)];
    if (this.scratchIdx.length < unique.length) {
      this.scratchIdx = new Int32Array(unique.length * 2);
      this.scratchVal = new Float64Array(unique.length * 2);
    }
    const n = this.fill(unique, this.scratchIdx, this.scratchVal);
    const k = this.labelList.length;
    if (this.sparse) return this.sparseScores(n, k, this.sparse);
    const w = this.weights;
    const bias = this.index.size * k;
    const out: number[] = new Array(k);
    for (let c = 0; c < k; c++) out[c] = w[bias + c];
    for (let i = 0; i < n; i++) {
      const row = this.scratchIdx[i] * k;
      const value = this.scratchVal[i];
      for (let c = 0; c < k; c++) out[c] += w[row + c] * value;
    }
    return out;
  }

  /** scores() on the sparse rows: the bias row, then each feature's row. */
  private sparseScores(n: number, k: number, m: SparseRows): number[] {
    const out: number[] = new Array<number>(k).fill(0);
    const add = (row: number, value: number) => {
      for (let j = m.rowStart[row]; j < m.rowStart[row + 1]; j++) out[m.label[j]] += m.weight[j] * value;
    };
    add(this.index.size, 1);
    for (let i = 0; i < n; i++) add(this.scratchIdx[i], this.scratchVal[i]);
    return out;
  }

  private scratchIdx = new Int32Array(64);
  private scratchVal = new Float64Array(64);

  private vector(features: string[]): SparseVector {
    const idx = new Int32Array(features.length);
    const val = new Float64Array(features.length);
    const n = this.fill(features, idx, val);
    return { idx: idx.slice(0, n), val: val.slice(0, n) };
  }

  /** Writes the known features' indices and L2-normalised TF-IDF weights; returns their number. */
  private fill(features: string[], idx: Int32Array, val: Float64Array): number {
    let n = 0;
    let squares = 0;
    for (const f of features) {
      const j = this.index.get(f);
      if (j === undefined) continue;
      idx[n] = j;
      val[n] = this.idf[j];
      squares += val[n] * val[n];
      n++;
    }
    const norm = Math.sqrt(squares) || 1;
    for (let i = 0; i < n; i++) val[i] /= norm;
    return n;
  }
}

/** Each label's kept (feature, weight) pairs as rows by feature. */
function rows(kept: readonly { at: Int32Array; weight: Float32Array }[], rowCount: number): SparseRows {
  const rowStart = new Int32Array(rowCount + 1);
  for (const { at } of kept) for (const f of at) rowStart[f + 1]++;
  for (let f = 0; f < rowCount; f++) rowStart[f + 1] += rowStart[f];
  const fill = rowStart.slice(0, rowCount);
  const label = new Uint16Array(rowStart[rowCount]);
  const weight = new Float32Array(rowStart[rowCount]);
  kept.forEach(({ at, weight: w }, c) => {
    at.forEach((f, i) => {
      label[fill[f]] = c;
      weight[fill[f]++] = w[i];
    });
  });
  return { rowStart, label, weight };
}
