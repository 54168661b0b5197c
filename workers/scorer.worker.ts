/**
 * The scoring worker: holds one model (onnxruntime-web session + tokenizer) and scores
 * batches of records off the main thread. WebGPU when the browser has an adapter,
 * WASM otherwise; it reports which one it runs on.
 */
import * as Comlink from 'comlink';
import { isLocale, setLocale, t } from '../src/i18n';
import { chooseWeights, loadModel, type LoadProgress, type ModelSource, type Precision, type Weights } from '../src/core/model-files';
import { Scorer, type RunBatch, type Runner, type ScoredRecord, type ScoredWithFeatures, type ScoringMode } from '../src/core/scorer';
import { ortRunner } from '../src/core/ort-runner';
import type { Manifest } from '../src/core/manifest';
import { explain, optionsFor, type Explanation } from '../src/core/explain';
import { howItWorks, type HowItWorks } from '../src/core/how-it-works';
import { cachingSource, type CacheReport } from '../src/storage/model-cache';
import { adaptedP, AdapterError, checkAdapterWeights, trainAdapter, type Adapter, type AdapterReport } from '../src/core/adapter';
import { importedSource, importModel } from './model-import';
import { ort } from './ort-wasm';

// Threads need cross-origin isolation; without it ORT would fail to start its pool.
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

export type Backend = 'webgpu' | 'wasm';

/** Records per model run, measured best with npm run bench (bench/README.md). */
const BATCH_SIZE: Record<Backend, number> = { wasm: 64, webgpu: 128 };

export interface LoadOptions {
  /** URL of the model folder, ending in '/'; its files are cached in IndexedDB. */
  modelUrl?: string;
  /** Instead of modelUrl: the name of a model the user imported into this browser. */
  stored?: string;
  backend?: Backend | 'auto';
  precision?: Precision;
  /** 'auto': the single-pass dual graph when the model has one (two passes otherwise). */
  mode?: ScoringMode | 'auto';
  /** WASM threads; only the first load of a worker sets them (ORT starts its pool once). */
  threads?: number;
  batchSize?: number;
}

export interface ModelInfo {
  name: string;
  backend: Backend;
  /** Why WebGPU is not in use, when it is not. */
  fallbackReason?: string;
  precision: Precision;
  /** The file the session runs and its weights' precision (WebGPU may run its own fp16 or q4 file). */
  weights: Weights;
  /** Why the adapter's own WebGPU weights are not the ones in use, when they are not. */
  weightsFallback?: string;
  manifest: Manifest;
  mode: ScoringMode;
  /** WASM threads ORT runs with (1 without cross-origin isolation). */
  threads: number;
  batchSize: number;
  /** What the IndexedDB model cache did (absent for imported models). */
  cache?: CacheReport;
  /** SHA-256 of the model's manifest.json: the model an adapter is bound to. */
  manifestSha256: string;
  /** Values per feature vector where scoreWithFeatures works, else null. */
  featureSize: number | null;
  /** Why scoreWithFeatures does not work with this model (an older export, say). */
  featuresUnavailable?: string;
}

function fetchSource(base: string): ModelSource {
  return {
    where: base.replace(/\/$/, ''),
    async read(path, onBytes) {
      const response = await fetch(new URL(path, base));
      if (response.status === 404) return null;
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const chunks: Uint8Array[] = [];
      let loaded = 0;
      for (const reader = response.body.getReader(); ; ) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.byteLength;
        onBytes?.(loaded);
      }
      const bytes = new Uint8Array(loaded);
      let offset = 0;
      for (const c of chunks) {
        bytes.set(c, offset);
        offset += c.byteLength;
      }
      return bytes;
    },
  };
}

/** The WebGPU adapter's features (which weights it can run), or why there is no adapter. */
async function webgpuAdapter(): Promise<{ features: ReadonlySet<string> } | { unavailable: string }> {
  type Adapter = { features: ReadonlySet<string> };
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  if (!gpu) return { unavailable: 'this browser has no WebGPU' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter ? { features: adapter.features } : { unavailable: t('backend.no_adapter') };
}

/** One turn of this worker's event loop: a message queued meanwhile (the bridge's ping) is answered. */
const turn = (() => {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
})();

/**
 * A WASM model run holds the thread, and the awaits between runs are microtasks: without
 * a turn of the event loop between runs, a call scoring thousands of records would leave
 * the bridge's pings unanswered to its end, and look dead (src/app/heartbeat.ts).
 */
function answering(runner: Runner): Runner {
  const run = runner.run as RunBatch; // both modes' runs take the same arguments
  const wrapped: RunBatch = async (ids, second, rows, cols) => {
    await turn();
    return run(ids, second, rows, cols);
  };
  if (runner.mode !== 'dual' || !runner.features) return { ...runner, run: wrapped } as Runner;
  const features = runner.features;
  return {
    ...runner,
    run: wrapped,
    features: {
      size: features.size,
      run: async (ids, lengths, rows, cols) => {
        await turn();
        return features.run(ids, lengths, rows, cols);
      },
    },
  };
}

let scorer: Scorer | null = null;
let weights: Weights | null = null;

/** A record the user (or the table's label column) decided, for adapt. */
export interface AdaptExample {
  record: string;
  correct: boolean;
  errorClass?: string | null;
}

/** A score call's answer: the base model's reading, and with an adapter its P(correct) as well. */
export type AdaptedRecord = ScoredRecord & { adaptedP?: number };

/** The loaded scorer, with features an adapter can read (throws saying why not). */
function withFeatures(): Scorer {
  if (!scorer) throw new Error('no model loaded');
  if (scorer.featureSize === null) throw new AdapterError(t('adapter.no_features', { why: scorer.featuresUnavailable ?? '' }));
  if (weights) checkAdapterWeights(weights);
  return scorer;
}

// The page names each worker after its language (src/app/locale.svelte.ts): the messages thrown here are in it.
if (isLocale(self.name)) setLocale(self.name);

const api = {
  /** The page's language changed. */
  setLocale,
  /** The bridge's heartbeat: answered whenever this worker's event loop turns. */
  ping(): true {
    return true;
  },

  async load(options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    scorer = null;
    weights = null;
    const precision = options.precision ?? 'quantized';
    const cache: CacheReport = { hits: [], stored: [], refetched: [] };
    const source = options.stored ? importedSource(options.stored) : cachingSource(fetchSource(options.modelUrl ?? ''), cache);
    // The adapter first: its features decide which weights to download.
    const adapter = options.backend === 'wasm' ? { unavailable: t('backend.wasm_chosen') } : await webgpuAdapter();
    let fallbackReason = 'unavailable' in adapter ? adapter.unavailable : undefined;
    let backend: Backend = fallbackReason ? 'wasm' : 'webgpu';
    let model = await loadModel(source, precision, onProgress, options.mode, 'features' in adapter ? adapter.features : undefined);
    if (options.threads && self.crossOriginIsolated) ort.env.wasm.numThreads = options.threads;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.onnx, { executionProviders: [backend] });
    } catch (e) {
      if (backend === 'wasm') throw e;
      fallbackReason = t('backend.webgpu_failed', { why: (e as Error).message });
      backend = 'wasm';
      // WASM gets the weights exported for every backend, not WebGPU-only ones.
      if (chooseWeights(model.manifest, model.mode, precision).file !== model.weights.file) {
        model = await loadModel(source, precision, onProgress, options.mode);
      }
      session = await ort.InferenceSession.create(model.onnx, { executionProviders: ['wasm'] });
    }
    const batchSize = options.batchSize ?? BATCH_SIZE[backend];
    scorer = new Scorer(model.tokenizer, model.manifest, answering(ortRunner(ort.Tensor, session, model.manifest, model.mode)), { batchSize });
    weights = model.weights;
    const run = {
      mode: model.mode, threads: ort.env.wasm.numThreads ?? 1, batchSize,
      featureSize: scorer.featureSize, featuresUnavailable: scorer.featuresUnavailable,
    };
    const info = {
      name: model.manifest.name, backend, fallbackReason, precision, weights: model.weights, weightsFallback: model.weightsFallback,
      manifest: model.manifest, manifestSha256: model.manifestSha256,
    };
    return { ...info, ...run, cache: options.stored ? undefined : cache };
  },

  /**
   * Score records. With an adapter, each also gets the adapter's P(correct), read from the
   * same run's features: the base scores are those score() gives without one.
   */
  async score(records: string[], adapter?: Adapter): Promise<AdaptedRecord[]> {
    if (!scorer) throw new Error('no model loaded');
    if (!adapter) return scorer.score(records);
    const scored = await withFeatures().scoreWithFeatures(records);
    return scored.map(({ features, ...s }) => ({ ...s, adaptedP: adaptedP(adapter, features, s.rewardCorrect - s.rewardWrong) }));
  },

  /**
   * Train an adapter on decided records (src/core/adapter.ts): their features from this
   * model, then the head, here, off the page's thread. Refuses (AdapterError) with too few
   * of either kind, or a model without features.
   */
  async adapt(examples: AdaptExample[], options: { baseThreshold: number; seed?: number }): Promise<AdapterReport> {
    const s = withFeatures();
    const scored = await s.scoreWithFeatures(examples.map((e) => e.record));
    await turn(); // the bridge's ping is answered before the head's training holds the thread
    const train = scored.map((r, i) => ({ features: r.features, margin: r.rewardCorrect - r.rewardWrong, correct: examples[i].correct, errorClass: examples[i].errorClass }));
    return trainAdapter(train, s.featureSize!, options);
  },

  /** score, each record with its features (the score head's input); see ModelInfo.featuresUnavailable. */
  async scoreWithFeatures(records: string[]): Promise<ScoredWithFeatures[]> {
    if (!scorer) throw new Error('no model loaded');
    return scorer.scoreWithFeatures(records);
  },

  /** Which spans of the record make it look wrong (src/core/explain.ts). */
  async explain(record: string): Promise<Explanation> {
    if (!scorer) throw new Error('no model loaded');
    return explain(scorer, record, optionsFor(scorer.manifest));
  },

  /** Check a dropped model folder or zip and keep it in this browser (workers/model-import.ts). */
  importModel,

  /** The two texts scored for the record, their rewards and the softmax. */
  async howItWorks(record: string): Promise<HowItWorks> {
    if (!scorer) throw new Error('no model loaded');
    return howItWorks(scorer, record);
  },
};

export type ScorerWorkerApi = typeof api;

Comlink.expose(api);
