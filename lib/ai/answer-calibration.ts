/*
 * Turns the offline answerer's evidence into a calibrated confidence: a logistic model
 * per embedding model (similarities mean different things under different embedders),
 * fitted on labelled questions with `npm run eval:calibrate` (eval/README.md) and
 * checked on questions it was not fitted on.
 */

export interface AnswerEvidence {
  /** Best question–sentence cosine similarity. */
  topSimilarity: number;
  /** Mean of the three best question–sentence similarities. */
  meanTopSimilarity: number;
  /** Retrieval's vector similarity of the passage the answer is built on. */
  passageSimilarity: number;
  /** 1 when full-text search also ranked that passage in its top 3, 0.5 when it found it lower, 0 when not at all. */
  textAgreement: number;
  /** Share of the question's content terms that the answer's passage contains. */
  termCoverage: number;
  /** Similarity of the question to that passage's nearest heading (an FAQ heading restates its question). */
  headingSimilarity: number;
}

export const EVIDENCE_FEATURES = [
  "topSimilarity",
  "meanTopSimilarity",
  "passageSimilarity",
  "textAgreement",
  "termCoverage",
  "headingSimilarity",
] as const;
export type EvidenceFeature = (typeof EVIDENCE_FEATURES)[number];

export interface Calibration {
  bias: number;
  weights: Record<EvidenceFeature, number>;
  /** Where the coefficients came from (data set, split, date). */
  fittedOn: string;
}

/** Coefficients per embedding model id (prefix), as printed by `npm run eval:calibrate`. */
const CALIBRATIONS: Record<string, Calibration> = {
  // npm run eval:calibrate on WixQA dev (hold-out 12, seed 1 tune half); see README "Design choices".
  "offline-hash-v1": {
    bias: -3.121,
    weights: {
      topSimilarity: 1.115,
      meanTopSimilarity: -1.012,
      passageSimilarity: 5.993,
      textAgreement: 0.763,
      termCoverage: 2.686,
      headingSimilarity: 2.14,
    },
    fittedOn: "WixQA dev, tune split (hold-out 12, seed 1, 30 questions)",
  },
  // The same protocol with the local MiniLM embedder (ids end in the ONNX file's hash).
  "local:all-MiniLM-L6-v2-int8": {
    bias: -7.435,
    weights: {
      topSimilarity: 5.37,
      meanTopSimilarity: 3.613,
      passageSimilarity: 0.778,
      textAgreement: 0.979,
      termCoverage: 3.747,
      headingSimilarity: 1.177,
    },
    fittedOn: "WixQA dev, tune split (hold-out 12, seed 1, 30 questions)",
  },
};

/** Used for embedders without their own fit (e.g. OpenAI): conservative, so doubt escalates. */
const FALLBACK: Calibration = {
  bias: -6,
  weights: { topSimilarity: 4, meanTopSimilarity: 4, passageSimilarity: 2, textAgreement: 1, termCoverage: 3, headingSimilarity: 1 },
  fittedOn: "hand-set fallback",
};

/**
 * The calibration of an embedding model: keys are model id prefixes, so a fit holds for
 * every build of the same weights (ids may end in a file hash).
 */
export function calibrationFor(embeddingModelId: string): Calibration {
  const key = Object.keys(CALIBRATIONS)
    .filter((prefix) => embeddingModelId === prefix || embeddingModelId.startsWith(`${prefix}:`))
    .sort((a, b) => b.length - a.length)[0];
  return key ? CALIBRATIONS[key] : FALLBACK;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function linear(calibration: Calibration, evidence: AnswerEvidence): number {
  return EVIDENCE_FEATURES.reduce((z, f) => z + calibration.weights[f] * evidence[f], calibration.bias);
}

/** The probability (0..1, three decimals) that an answer with this evidence is right. */
export function confidenceFromEvidence(evidence: AnswerEvidence, calibration: Calibration): number {
  return Math.round(sigmoid(linear(calibration, evidence)) * 1000) / 1000;
}

export interface LabelledEvidence {
  evidence: AnswerEvidence;
  /** The answer cited a right source (or, for a question that must escalate, never). */
  correct: boolean;
}

/**
 * Fits the logistic model by gradient descent on the log-loss with a small L2 penalty
 * (few labels: the penalty keeps weights from chasing single questions). Deterministic.
 */
export function fitCalibration(samples: readonly LabelledEvidence[], fittedOn: string, options = { l2: 0.001, steps: 20000, rate: 1 }): Calibration {
  const weights = Object.fromEntries(EVIDENCE_FEATURES.map((f) => [f, 0])) as Record<EvidenceFeature, number>;
  let bias = 0;
  const n = Math.max(samples.length, 1);
  for (let step = 0; step < options.steps; step++) {
    const gradient = Object.fromEntries(EVIDENCE_FEATURES.map((f) => [f, 0])) as Record<EvidenceFeature, number>;
    let gradientBias = 0;
    for (const { evidence, correct } of samples) {
      const error = sigmoid(linear({ bias, weights, fittedOn }, evidence)) - (correct ? 1 : 0);
      gradientBias += error;
      for (const f of EVIDENCE_FEATURES) gradient[f] += error * evidence[f];
    }
    bias -= (options.rate * gradientBias) / n;
    for (const f of EVIDENCE_FEATURES) weights[f] -= options.rate * (gradient[f] / n + options.l2 * weights[f]);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { bias: round(bias), weights: Object.fromEntries(EVIDENCE_FEATURES.map((f) => [f, round(weights[f])])) as Record<EvidenceFeature, number>, fittedOn };
}
