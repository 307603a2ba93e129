// Shapes of the evaluation routes (tb_plugin/routes/evaluation.py, docs/http_api.md and the
// curve JSON of docs/evaluation.md). Columns are lists; null stands for a non-finite value.

export type Task = 'binary' | 'multiclass' | 'multilabel' | 'regression'
export type Num = number | null
export type Label = string | number | boolean

export interface EvaluationEntry {
  run: string
  name: string
  task: Task | null
  steps: number[]
  max_step: number
  /** "summary": a binned summary (log_accuracy_table, an accumulator), not raw predictions. */
  source?: 'summary'
}
export interface DocumentEntry {
  run: string
  name: string
  steps: number[]
}
export interface EvaluationsResponse {
  evaluations: EvaluationEntry[]
  importances: DocumentEntry[]
  confusions: DocumentEntry[]
  /** log_residuals and log_predictions(name, value) in Azure's schemas (absent from older servers). */
  regression_bins?: DocumentEntry[]
}

export interface ReducedCurve {
  max_deviation?: number
  exact_points?: number
  n_classes?: number
}
export interface RocCurve extends ReducedCurve {
  fpr: Num[]
  tpr: Num[]
  thresholds?: Num[]
}
export interface PrCurve extends ReducedCurve {
  precision: Num[]
  recall: Num[]
  thresholds?: Num[]
}
export interface DetCurve extends ReducedCurve {
  fpr: Num[]
  fnr: Num[]
  thresholds?: Num[]
}
export interface GainsCurve extends ReducedCurve {
  fraction: Num[]
  gain: Num[]
  thresholds?: Num[]
}
export interface LiftCurve extends ReducedCurve {
  fraction: Num[]
  lift: Num[]
  thresholds?: Num[]
}
export interface KsCurve extends ReducedCurve {
  thresholds: Num[]
  tpr: Num[]
  fpr: Num[]
}
export interface CalibrationBins {
  bin_lower: number[]
  bin_upper: number[]
  mean_predicted: Num[]
  fraction_positive: Num[]
  count: number[]
  bin_edges: number[]
}
export interface CalibrationCurve {
  uniform: CalibrationBins
  quantile?: CalibrationBins
}
export interface ConfusionMatrix {
  labels: Label[]
  matrix: number[][]
  normalized_true: number[][]
  normalized_pred: number[][]
  normalized_all: number[][]
}
export interface PredictedVsTrue {
  bin_edges: number[]
  true_mean: Num[]
  predicted_mean: Num[]
  predicted_std: Num[]
  count: number[]
}
/** 2-D histogram of (true, predicted) on one shared range (so y = x is the diagonal):
 * counts[i][j] = samples (or summed weights) with true value in x bin i, prediction in y bin j. */
export interface PredictedVsTrueDensity {
  x_edges: number[]
  y_edges: number[]
  counts: number[][]
  n: number
}
export interface ResidualHistogram {
  bin_edges: number[]
  count: number[]
}
export interface ResidualsVsPredicted {
  bin_edges: number[]
  residual_mean: Num[]
  residual_std: Num[]
  count: number[]
  sample_predicted?: number[]
  sample_residual?: number[]
}

export interface Curves {
  roc?: Record<string, RocCurve>
  precision_recall?: Record<string, PrCurve>
  det?: Record<string, DetCurve>
  cumulative_gains?: Record<string, GainsCurve>
  lift?: Record<string, LiftCurve>
  ks?: Record<string, KsCurve>
  calibration?: Record<string, CalibrationCurve>
  /** multiclass/binary: one matrix; multilabel: one 2×2 per label key. */
  confusion_matrix?: ConfusionMatrix | Record<string, ConfusionMatrix>
  predicted_vs_true?: PredictedVsTrue
  predicted_vs_true_density?: PredictedVsTrueDensity
  residual_histogram?: ResidualHistogram
  residuals_vs_predicted?: ResidualsVsPredicted
}

export interface EvaluationReport {
  run: string
  name: string
  step: number
  steps: number[]
  task: Task
  task_inferred?: boolean
  n_samples: number
  labels: Label[]
  metrics: Record<string, number>
  undefined: Record<string, string>
  curves: Curves
  max_points?: number
  /** Present for a binned summary (docs/http_api.md): what it is and what it cannot give. */
  source?: 'summary'
  summary?: SummaryInfo
}

export interface SummaryInfo {
  bins: number
  mantissa_bits: number | null
  /** Threshold of the confusion matrix and the cards computed from it. */
  threshold: number
  /** Metric -> worst-case absolute error against the raw predictions. */
  error_bounds: Record<string, number>
  /** Class -> weight of the samples in a bin straddling `threshold` (counted as spread). */
  threshold_uncertain: Record<string, number>
  /** Metric or view -> why a summary cannot give it. */
  unavailable: Record<string, string>
}

export interface ThresholdTable {
  run?: string
  name?: string
  step?: number
  task?: Task
  class: string
  labels?: Label[]
  positives: number
  negatives: number
  exact_points?: number
  thresholds: Num[]
  tp: number[]
  fp: number[]
  tn: number[]
  fn: number[]
  precision?: Num[]
  recall?: Num[]
  fpr?: Num[]
  f1?: Num[]
  accuracy?: Num[]
  specificity?: Num[]
  mcc?: Num[]
}

export interface TrendResponse {
  run?: string
  name?: string
  task?: Task
  steps: number[]
  metrics: Record<string, Num[]>
}

export interface CompareRun {
  run: string
  step: number
  task: Task
  labels?: Label[]
  n_samples?: number
  params: Record<string, unknown>
  tags: Record<string, unknown>
  status: string
  metrics: Record<string, number>
  curves: Curves
}
export interface CompareResponse {
  name: string
  runs: CompareRun[]
  /** Runs whose evaluation could not be read (the others are still compared). */
  errors?: { run: string; error: string }[]
}

/** The sweep a compare table's runs belong to (its record at the experiment's root run). */
export interface SweepInfo {
  run: string
  experiment: string | null
  metric: string
  mode: 'max' | 'min'
  /** The run with the best sweep_value (null: none has one). */
  best: string | null
  runs: number
}
/** One run of evaluation/compare/table: metrics in the order of the response's `metrics`. */
export interface CompareTableRow {
  run: string
  step: number
  task: Task
  n_samples: number | null
  status: string
  params: Record<string, unknown>
  tags: Record<string, unknown>
  metrics: (number | null)[]
  /** The sweep's metric for this run (only runs of the response's sweep have it). */
  sweep_value?: number | null
}
export interface CompareTableResponse {
  name: string
  step: number | null
  metrics: string[]
  sweep: SweepInfo | null
  runs: CompareTableRow[]
  errors?: { run: string; error: string }[]
}
/** evaluation/compare/curves: the curves of the runs drawn. */
export interface CompareCurvesResponse {
  name: string
  runs: Pick<CompareRun, 'run' | 'step' | 'task' | 'labels' | 'curves'>[]
  errors?: { run: string; error: string }[]
}

export interface ImportanceResponse {
  run: string
  name: string
  step: number
  steps: number[]
  names: string[]
  values: number[]
  per_class: Record<string, number[]>
}

export interface ConfusionResponse {
  run: string
  name: string
  step: number
  steps: number[]
  labels: Label[]
  matrix: number[][]
  normalized: { true: number[][]; pred: number[][]; all: number[][] }
}

/** /regression_bins: Azure's residuals (a histogram) or predictions (mean and error per bin of true values). */
export interface RegressionBinsResponse {
  run: string
  name: string
  step: number
  steps: number[]
  schema: 'residuals' | 'predictions'
  bin_edges: number[]
  bin_counts: number[]
  bin_averages?: number[]
  bin_errors?: number[]
}

export interface FilesResponse {
  run: string
  files: { name: string; size: number }[]
}
