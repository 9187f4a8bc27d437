/**
 * Fetches a local LLM into the models folder (MODELS_DIR, default .models):
 *   npm run models:fetch-llm [-- <id>]   (default: the id CHAT_MODEL=local:<id> names, else the default model)
 * Exits non-zero with the reason when the file cannot be had or its hash does not match.
 */
import { env } from "@/lib/env";
import { DEFAULT_LOCAL_LLM_ID, findLocalLlm, localLlmIdOf, LOCAL_LLMS } from "@/lib/ai/models/llm-manifest";
import { fetchLocalLlm } from "@/lib/ai/models/fetch-llm";

const { CHAT_MODEL, MODELS_DIR } = env();
const id = process.argv[2] ?? localLlmIdOf(CHAT_MODEL) ?? DEFAULT_LOCAL_LLM_ID;
const manifest = findLocalLlm(id);
if (!manifest) {
  console.error(`Unknown local model "${id}". Known: ${LOCAL_LLMS.map((m) => m.id).join(", ")}`);
  process.exit(2);
}
const started = Date.now();
try {
  await fetchLocalLlm(manifest, MODELS_DIR);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
