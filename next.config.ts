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
    "node-llama-cpp",
  ],
  // The local LLM runtime (optional, ~40 MB + per-platform binaries) is loaded only when
  // CHAT_MODEL=local:… on a self-hosted server; deployments never ship it.
  outputFileTracingExcludes: {
    "/*": ["node_modules/node-llama-cpp/**", "node_modules/@node-llama-cpp/**"],
  },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
