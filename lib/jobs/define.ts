import type { z } from "zod";
import { PermanentJobError, type JobContext, type JobHandler } from "@/lib/jobs/types";

/**
 * A handler whose payload is validated first: a payload that does not match can never
 * succeed, so it fails the job at once instead of being retried.
 */
export function defineJob<S extends z.ZodType>(
  schema: S,
  run: (payload: z.infer<S>, ctx: JobContext) => Promise<void>,
): JobHandler {
  return async (payload, ctx) => {
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
      throw new PermanentJobError(`Invalid job payload (${reason}).`);
    }
    await run(parsed.data, ctx);
  };
}
