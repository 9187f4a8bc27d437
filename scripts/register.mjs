// Lets plain Node (tsx scripts, benchmarks) import modules marked `import "server-only"`:
// that marker only means something to the React Server Components bundler.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
        return next(specifier, context);
      }`,
    ),
  import.meta.url,
);
