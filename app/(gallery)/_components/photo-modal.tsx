'use client';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect, useRef } from 'react';

export interface PhotoModalProps {
  children: ReactNode;
  /** The modal shows only while the URL is a photo's (e.g. "/p/"): a link elsewhere closes it. */
  pathPrefix: string;
  label: string;
}

/**
 * A photo over the page it was opened from: a native modal <dialog>, so focus stays inside
 * only while it is open and the page behind is inert; Escape, the backdrop and Close go back
 * in history, which returns to the page at the scroll position it had.
 */
export function PhotoModal({ children, pathPrefix, label }: PhotoModalProps) {
  const router = useRouter();
  const pathname = usePathname();
  const dialog = useRef<HTMLDialogElement>(null);
  /** Set while we close the dialog ourselves, so its close event does not go back twice. */
  const leaving = useRef(false);
  const open = pathname.startsWith(pathPrefix);

  useEffect(() => {
    const element = dialog.current;
    if (!open || !element) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = document.documentElement;
    const overflow = root.style.overflow;
    root.style.overflow = 'hidden'; // the page behind keeps its scroll position
    leaving.current = false;
    if (!element.open) element.showModal();
    return () => {
      root.style.overflow = overflow;
      leaving.current = true;
      if (element.open) element.close();
      opener?.focus({ preventScroll: true });
    };
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={dialog}
      className="g-modal"
      aria-label={label}
      data-testid="photo-modal"
      onCancel={(event) => {
        event.preventDefault(); // Escape: leave through history, not just hide the dialog
        router.back();
      }}
      // Chromium may close a dialog on a repeated Escape without a cancel event: leave then too.
      onClose={() => !leaving.current && router.back()}
      onClick={(event) => event.target === event.currentTarget && router.back()}
    >
      {children}
    </dialog>
  );
}
