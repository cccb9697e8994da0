'use client';
import { usePathname } from 'next/navigation';
import { type KeyboardEvent, type ReactNode, useRef, useState } from 'react';

const ADMIN_MENU_ID = 'admin-menu';

/**
 * On a narrow screen the admin links fold behind a Menu button (CSS shows both the button
 * and the fold only below 720 px). The menu belongs to the page it was opened on, so
 * following a link closes it; Escape closes it and returns focus to the button.
 */
export function AdminMenu({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const [openOn, setOpenOn] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const open = openOn === pathname;

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== 'Escape' || !open) return;
    setOpenOn(null);
    button.current?.focus();
  }

  return (
    <div className="admin-menu" onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        className="secondary menu-button"
        aria-expanded={open}
        aria-controls={ADMIN_MENU_ID}
        onClick={() => setOpenOn(open ? null : pathname)}
      >
        Menu
      </button>
      <div id={ADMIN_MENU_ID} className="menu-panel" data-open={open}>
        {children}
      </div>
    </div>
  );
}
