import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function DashboardNotFound() {
  return (
    <EmptyState
      title="Not found"
      action={
        <Link href="/dashboard" className={buttonClasses("secondary", "sm")}>
          Back to the inbox
        </Link>
      }
    >
      This page or ticket does not exist in your workspace.
    </EmptyState>
  );
}
