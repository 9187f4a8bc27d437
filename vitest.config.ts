import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside a React Server Components bundle; tests run plain Node.
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "tests/**/*.test.ts", "inngest/**/*.test.ts", "emails/**/*.test.tsx", "eval/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    // One database, one worker at a time: the embedded PGlite is a single session, and
    // serial files keep integration tests free of cross-file interference.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
