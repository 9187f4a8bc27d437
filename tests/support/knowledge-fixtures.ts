/** A small help-centre knowledge base used by the agent's tests. */
export const HELP_ARTICLES = [
  {
    title: "Resetting your password",
    url: "https://help.example.com/password-reset",
    content:
      "To reset your password, open the sign-in page and click \"Forgot password\". " +
      "Enter the email address of your account and we send you a reset link. " +
      "The reset link expires after 24 hours. If the email does not arrive, check your spam folder.",
  },
  {
    title: "Refund policy",
    url: "https://help.example.com/refunds",
    content:
      "You can request a refund within 30 days of purchase. Refunds are paid back to the original payment method " +
      "within 5 business days. Annual plans are refunded pro rata after the first 30 days.",
  },
  {
    title: "Exporting your data",
    url: "https://help.example.com/export",
    content:
      "Workspace owners can export all data as CSV from Settings, then Data export. " +
      "The export includes projects, tasks and comments. Large exports are emailed as a download link.",
  },
  {
    title: "Two-factor authentication",
    url: null,
    content:
      "Enable two-factor authentication under Profile, then Security. Scan the QR code with an authenticator app " +
      "and enter the six-digit code. Recovery codes let you sign in if you lose your phone.",
  },
  {
    title: "Shipping times",
    url: "https://help.example.com/shipping",
    content:
      "Orders ship within 2 business days. Standard delivery takes 3 to 5 business days in the EU " +
      "and 7 to 10 business days elsewhere. Express delivery arrives the next business day.",
  },
];
