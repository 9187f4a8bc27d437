import { CloseIcon } from "./icons";

interface Props {
  name: string;
  brandColor: string;
  brandText: string;
  /** Inside the embed iframe: the host page owns the panel, so closing asks it to. */
  onClose?: () => void;
}

export function WidgetHeader({ name, brandColor, brandText, onClose }: Props) {
  return (
    <header className="px-4 py-3 shadow-sm" style={{ backgroundColor: brandColor, color: brandText }}>
      <div className="mx-auto flex max-w-2xl items-center gap-3">
        <span aria-hidden="true" className="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-white/20 text-sm font-bold ring-1 ring-current/30">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-base font-semibold leading-tight">{name}</h1>
          <p className="truncate text-xs">Instant AI answers · real people when needed</p>
        </div>
        {onClose ? (
          <button type="button" onClick={onClose} aria-label="Close chat" className="rounded-md p-1.5 hover:bg-black/10 focus-visible:outline-current">
            <CloseIcon className="h-5 w-5" />
          </button>
        ) : null}
      </div>
    </header>
  );
}
