import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ChatWidget } from "@/components/widget/chat-widget";
import { getWidgetBranding } from "./widget-tenant";

type Params = { params: Promise<{ key: string }>; searchParams: Promise<{ embed?: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const branding = await getWidgetBranding((await params).key);
  return { title: branding ? `Chat with ${branding.name}` : "Chat not found", robots: { index: false, follow: false } };
}

/** The end user's chat for one tenant: what the embed iframe shows, and a page of its own. */
export default async function WidgetPage({ params, searchParams }: Params) {
  const [{ key }, { embed }] = await Promise.all([params, searchParams]);
  const branding = await getWidgetBranding(key);
  if (!branding) notFound();
  return <ChatWidget widgetKey={key} branding={branding} embedded={embed === "1"} />;
}
