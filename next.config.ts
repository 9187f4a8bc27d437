import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and WASM packages are loaded by Node at run time, not bundled.
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "@node-rs/argon2",
    "pg",
    "unpdf",
    "@langchain/langgraph-checkpoint-postgres",
    // Optional local-model runtimes, imported dynamically only in local mode (no OpenAI
    // key/URL for the embedder; CHAT_MODEL=local:… for the LLM).
    "@huggingface/transformers",
    "onnxruntime-node",
    "node-llama-cpp",
  ],
  // Deployed (an API key set), the local-model runtimes are never loaded: keep them out of
  // the traced function bundles (they added 27 MB to each route that embeds; the LLM runtime
  // ~40 MB plus per-platform binaries).
  outputFileTracingExcludes: {
    "*": [
      "node_modules/@huggingface/**",
      "node_modules/onnxruntime-*/**",
      "node_modules/node-llama-cpp/**",
      "node_modules/@node-llama-cpp/**",
    ],
  },
  // Ingestion reads each file in a child process (lib/rag/extract-sandbox.ts) that runs
  // lib/rag/extract-child.ts through tsx; deployed, Inngest runs jobs at /api/inngest.
  outputFileTracingIncludes: {
    "/api/inngest": [
      "./lib/rag/*.ts",
      "./tsconfig.json",
      "./node_modules/tsx/**/*",
      "./node_modules/get-tsconfig/**/*",
      "./node_modules/resolve-pkg-maps/**/*",
      "./node_modules/esbuild/**/*",
      "./node_modules/@esbuild/**/*",
    ],
  },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
