import { z } from "zod";
import { AppError } from "@/lib/errors";

const uuid = z.uuid();

/** A path id that is not a UUID names no row of this tenant: the same 404 as a missing one. */
export function idParam(value: string, notFoundMessage: string): string {
  const parsed = uuid.safeParse(value);
  if (!parsed.success) throw new AppError("not_found", notFoundMessage);
  return parsed.data;
}
