// Observability: snapshots, reports, heatmaps, metrics export, memory pressure and OOM prediction.
// Re-exported from `eslint-plugin-arena/runtime`.

export {
  allocationHeatmap,
  formatReport,
  metricsJson,
  metricsText,
  takeSnapshot,
  type AllocationHeatmap,
} from './collect.js';
export {
  createOomPredictor,
  onMemoryPressure,
  readProcessMemory,
  type ArenaBudgetThreshold,
  type MemoryPressureEvent,
  type OomPredictor,
  type ProcessMemoryReading,
  type ProcessMetric,
  type ProcessThreshold,
} from './pressure.js';
export {
  fitLine,
  MemorySampler,
  predictExhaustion,
  type LinearFit,
  type MemorySample,
  type OomPrediction,
  type PredictOptions,
} from './predict.js';
export {
  renderPrometheus,
  snapshotToJson,
  snapshotToMetricFamilies,
  SNAPSHOT_VERSION,
  type MemorySnapshot,
  type OwnerKind as SnapshotOwnerKind,
  type OwnerSnapshot,
  type PrometheusOptions,
  type TagSnapshot,
} from './snapshot.js';
export {
  MetricsFormatError,
  PROMETHEUS_CONTENT_TYPE,
  renderExposition,
  type MetricFamily,
  type MetricSample,
  type MetricType,
} from './prometheus.js';
export {
  buildHeatmapMatrix,
  renderHeatmapSvg,
  renderHeatmapText,
  sizeClassLabel,
  sizeClassOf,
  type HeatmapMatrix,
  type HeatmapMatrixOptions,
  type HeatmapSvgOptions,
  type SizeClassCount,
} from './heatmap.js';
export { formatOwnerTable, formatTagTable } from './report.js';
