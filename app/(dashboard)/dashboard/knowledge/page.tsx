import type { Metadata } from "next";
import { PageHeader } from "@/components/dashboard/page-header";
import { withTenant } from "@/lib/db/tenant";
import { listSources } from "@/lib/rag/sources";
import { currentStaff } from "../_lib/session";
import { KnowledgeManager } from "./knowledge-manager";

export const metadata: Metadata = { title: "Knowledge base" };

export default async function KnowledgePage() {
  const staff = await currentStaff();
  const documents = await withTenant(staff.claims, (tx) => listSources(tx));
  return (
    <>
      <PageHeader title="Knowledge base" description="What the assistant answers from. New and changed documents are indexed in the background." />
      <KnowledgeManager initial={documents} />
    </>
  );
}
