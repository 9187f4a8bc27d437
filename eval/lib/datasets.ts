import path from "node:path";

/** Public data sets the tools read by default: kept beside the repository (../shared/eval), never in it. */
export const SHARED_EVAL_DIR = path.resolve(import.meta.dirname, "../../../shared/eval");
export const BANKING77_CSV = path.join(SHARED_EVAL_DIR, "banking77-train.csv");
export const WIXQA_DEV_JSONL = path.join(SHARED_EVAL_DIR, "wixqa-dev.jsonl");
