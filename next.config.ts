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
    // Optional local-model runtimes, imported dynamically only with no OpenAI key/URL.
    "@huggingface/transformers",
    "onnxruntime-node",
  ],
  // Deployed (an API key set), the local-model runtimes are never loaded: keep them out of
  // the traced function bundles (they added 27 MB to each route that embeds).
  outputFileTracingExcludes: { "*": ["node_modules/@huggingface/**", "node_modules/onnxruntime-*/**"] },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
