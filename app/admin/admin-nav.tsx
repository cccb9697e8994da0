'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS: { href: string; label: string; ownerOnly?: boolean }[] = [
  { href: '/admin', label: 'Dashboard' },
  { href: '/admin/upload', label: 'Upload' },
  { href: '/admin/library', label: 'Library' },
  { href: '/admin/albums', label: 'Albums' },
  { href: '/admin/jobs', label: 'Jobs' },
  { href: '/admin/fleet', label: 'Fleet' },
  { href: '/admin/users', label: 'Users', ownerOnly: true },
  { href: '/admin/settings', label: 'Settings' },
  { href: '/admin/api-keys', label: 'API keys' },
];

/** The dashboard matches only itself; every other section also owns its sub-pages (/admin/library/<id>). */
const isCurrent = (pathname: string, href: string) =>
  pathname === href || (href !== '/admin' && pathname.startsWith(`${href}/`));

/** Users is the owner's page; an admin does not see a link that would only 404. */
export function AdminNav({ isOwner }: { isOwner: boolean }) {
  const pathname = usePathname();
  return LINKS.filter((link) => isOwner || !link.ownerOnly).map((link) => (
    <Link key={link.href} href={link.href} aria-current={isCurrent(pathname, link.href) ? 'page' : undefined}>
      {link.label}
    </Link>
  ));
}
