/** Small inline icons; decorative, so hidden from assistive technology. */
type IconProps = { className?: string };

function Svg({ className, children }: IconProps & { children: React.ReactNode }) {
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" focusable="false" className={className ?? "h-4 w-4"}>
      {children}
    </svg>
  );
}

export const BoltIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M11.3 1.05a.75.75 0 0 1 .45.8L11 7.5h4.25a.75.75 0 0 1 .57 1.24l-7 8.25a.75.75 0 0 1-1.3-.6L8.3 11H4a.75.75 0 0 1-.57-1.24l7-8.5a.75.75 0 0 1 .87-.2Z" />
  </Svg>
);

export const SearchIcon = (p: IconProps) => (
  <Svg {...p}>
    <path fillRule="evenodd" d="M9 3.5a5.5 5.5 0 1 0 3.4 9.83l3.14 3.14a.75.75 0 1 0 1.06-1.06l-3.14-3.14A5.5 5.5 0 0 0 9 3.5ZM5 9a4 4 0 1 1 8 0 4 4 0 0 1-8 0Z" clipRule="evenodd" />
  </Svg>
);

export const PenIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M13.59 2.59a2 2 0 0 1 2.83 2.83l-8.5 8.5a2 2 0 0 1-.9.52l-3.09.88a.75.75 0 0 1-.93-.93l.88-3.09a2 2 0 0 1 .52-.9l8.5-8.5Z" />
  </Svg>
);

export const PersonIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M10 9a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM3 17.2A7 7 0 0 1 17 17.2a.75.75 0 0 1-.57.76A26 26 0 0 1 10 18.75c-2.2 0-4.37-.27-6.43-.79A.75.75 0 0 1 3 17.2Z" />
  </Svg>
);

export const ClockIcon = (p: IconProps) => (
  <Svg {...p}>
    <path fillRule="evenodd" d="M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm.75-12.25a.75.75 0 0 0-1.5 0V10c0 .2.08.39.22.53l2.5 2.5a.75.75 0 1 0 1.06-1.06l-2.28-2.28V5.75Z" clipRule="evenodd" />
  </Svg>
);

export const AlertIcon = (p: IconProps) => (
  <Svg {...p}>
    <path fillRule="evenodd" d="M8.48 2.9a1.75 1.75 0 0 1 3.04 0l6.25 11.1A1.75 1.75 0 0 1 16.25 16.6H3.75a1.75 1.75 0 0 1-1.52-2.6L8.48 2.9ZM10 6.75a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0V7.5a.75.75 0 0 1 .75-.75Zm0 7.75a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" clipRule="evenodd" />
  </Svg>
);

export const SendIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M3.1 2.3a.75.75 0 0 0-.97.94l1.9 5.9a.75.75 0 0 0 .6.5l6.12.86-6.12.86a.75.75 0 0 0-.6.5l-1.9 5.9a.75.75 0 0 0 .97.94l14.5-6.75a.75.75 0 0 0 0-1.36L3.1 2.3Z" />
  </Svg>
);

export const CloseIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M5.28 4.22a.75.75 0 0 0-1.06 1.06L8.94 10l-4.72 4.72a.75.75 0 1 0 1.06 1.06L10 11.06l4.72 4.72a.75.75 0 1 0 1.06-1.06L11.06 10l4.72-4.72a.75.75 0 0 0-1.06-1.06L10 8.94 5.28 4.22Z" />
  </Svg>
);

export const DocumentIcon = (p: IconProps) => (
  <Svg {...p}>
    <path fillRule="evenodd" d="M4.5 2A1.5 1.5 0 0 0 3 3.5v13A1.5 1.5 0 0 0 4.5 18h11a1.5 1.5 0 0 0 1.5-1.5V7.62a1.5 1.5 0 0 0-.44-1.06l-4.12-4.12A1.5 1.5 0 0 0 11.38 2H4.5Zm2.25 8.5a.75.75 0 0 0 0 1.5h6.5a.75.75 0 0 0 0-1.5h-6.5Zm0 3a.75.75 0 0 0 0 1.5h6.5a.75.75 0 0 0 0-1.5h-6.5Z" clipRule="evenodd" />
  </Svg>
);
