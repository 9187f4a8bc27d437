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
  ],
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
