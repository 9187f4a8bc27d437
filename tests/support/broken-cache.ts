import type { SemanticCache } from "@/lib/cache";

/** A cache store outside the database that is down: every operation fails with `error`. */
export function brokenCache(error: Error): SemanticCache {
  const fail = () => Promise.reject(error);
  return {
    name: "upstash",
    writesJoinTransaction: false,
    lookup: fail,
    write: fail,
    recordHit: fail,
    invalidateSources: fail,
    listEntries: fail,
    findEntry: fail,
    updateAnswer: fail,
    deleteEntry: fail,
    staleEntries: fail,
    setEmbeddings: fail,
  };
}
