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
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
