import { z } from "zod";

export const signInSchema = z.object({
  email: z.string().trim().email("Enter a valid email address").max(320),
  password: z.string().min(1, "Enter your password").max(1024),
});
