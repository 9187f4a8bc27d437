import { hash, verify } from "@node-rs/argon2";
import { createHashSlots } from "@/lib/auth/hash-slots";
import { env } from "@/lib/env";

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes): memory-hard, so
// offline guessing is expensive even on GPUs.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let slots: ReturnType<typeof createHashSlots> | undefined;

function hashSlots() {
  const concurrency = env().AUTH_HASH_CONCURRENCY;
  slots ??= createHashSlots(concurrency, concurrency * 16);
  return slots;
}

export function hashPassword(password: string): Promise<string> {
  return hashSlots().run(() => hash(password, OPTIONS));
}

export async function verifyPassword(hashed: string | null, password: string): Promise<boolean> {
  if (!hashed) return false;
  return hashSlots().run(async () => {
    try {
      return await verify(hashed, password);
    } catch {
      return false;
    }
  });
}
