import { z } from "zod";
import { text } from "@/lib/text";

export const signInSchema = z.object({
  email: text().trim().email("Enter a valid email address").max(320),
  password: text().min(1, "Enter your password").max(1024),
});
