import { serve } from "inngest/next";
import { inngest } from "@/lib/jobs/inngest";
import { functions } from "@/inngest/index";

// Ingesting a long document can take minutes; serverless hosts cut requests shorter by default.
export const maxDuration = 300;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
