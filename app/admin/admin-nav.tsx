'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/admin', label: 'Dashboard' },
  { href: '/admin/upload', label: 'Upload' },
  { href: '/admin/library', label: 'Library' },
  { href: '/admin/albums', label: 'Albums' },
  { href: '/admin/jobs', label: 'Jobs' },
  { href: '/admin/fleet', label: 'Fleet' },
  { href: '/admin/users', label: 'Users' },
];

/** The dashboard matches only itself; every other section also owns its sub-pages (/admin/library/<id>). */
const isCurrent = (pathname: string, href: string) =>
  pathname === href || (href !== '/admin' && pathname.startsWith(`${href}/`));

export function AdminNav() {
  const pathname = usePathname();
  return LINKS.map((link) => (
    <Link key={link.href} href={link.href} aria-current={isCurrent(pathname, link.href) ? 'page' : undefined}>
      {link.label}
    </Link>
  ));
}
