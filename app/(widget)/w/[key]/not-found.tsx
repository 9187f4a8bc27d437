export default function WidgetNotFound() {
  return (
    <main className="flex h-dvh items-center justify-center p-6 text-center">
      <div>
        <h1 className="text-lg font-semibold text-slate-900">This chat is not available</h1>
        <p className="mt-1 text-sm text-slate-700">The chat widget key is unknown. If you run this website, copy the snippet again from the Control Center.</p>
      </div>
    </main>
  );
}
