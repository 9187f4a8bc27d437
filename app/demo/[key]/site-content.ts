/** Copy for the fake customer websites the demo embeds the widget into. */
export interface DemoSite {
  brand: string;
  tagline: string;
  accent: string;
  nav: string[];
  heading: string;
  intro: string;
  plans: Array<{ name: string; price: string; features: string[] }>;
  tryAsking: string[];
}

const SITES: Record<string, DemoSite> = {
  acme: {
    brand: "Acme Cloud",
    tagline: "Cloud servers that just work",
    accent: "#4f46e5",
    nav: ["Products", "Pricing", "Docs", "Status"],
    heading: "Simple, predictable pricing",
    intro: "Pay monthly in arrears for what you use. Annual plans save 15%.",
    plans: [
      { name: "Starter", price: "$5 / month", features: ["1 vCPU, 1 GB RAM", "25 GB SSD", "99.95% uptime commitment"] },
      { name: "Business", price: "$40 / month", features: ["4 vCPU, 8 GB RAM", "160 GB SSD", "Six regions"] },
      { name: "Enterprise", price: "Talk to us", features: ["Dedicated hosts", "Bank transfer for annual plans", "Named account team"] },
    ],
    tryAsking: ["How do I reset my password?", "Which payment methods do you accept?", "Can I run a GPU cluster on Mars?"],
  },
  globex: {
    brand: "Globex Bank",
    tagline: "Banking without the queue",
    accent: "#0f766e",
    nav: ["Accounts", "Cards", "Transfers", "Help"],
    heading: "Accounts for every stage of life",
    intro: "Open an account in minutes, with cards and instant transfers included.",
    plans: [
      { name: "Everyday", price: "Free", features: ["Debit card", "Instant transfers", "Mobile app"] },
      { name: "Plus", price: "€4 / month", features: ["Travel insurance", "No foreign fees", "Two cards"] },
      { name: "Business", price: "€12 / month", features: ["Multiple users", "Bulk payments", "Accounting exports"] },
    ],
    tryAsking: ["How do I block my card?", "How long does a transfer take?", "Do you offer mortgages on the Moon?"],
  },
};

export function demoSiteFor(slug: string | undefined, name: string | undefined): DemoSite {
  if (slug && SITES[slug]) return SITES[slug];
  const brand = name ?? "Example Store";
  return {
    brand,
    tagline: "An example website",
    accent: "#334155",
    nav: ["Home", "Products", "Pricing", "Contact"],
    heading: `Welcome to ${brand}`,
    intro: "This page stands in for a customer's website: the chat button comes from the embedded snippet.",
    plans: [],
    tryAsking: ["What can you help me with?"],
  };
}
