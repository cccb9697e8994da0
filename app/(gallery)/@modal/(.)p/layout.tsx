import type { ReactNode } from 'react';
import { PhotoModal } from '../../_components/photo-modal';

/** One dialog for every photo stepped through: it stays open (and keeps focus) from photo to photo. */
export default function PhotoOverPageLayout({ children }: { children: ReactNode }) {
  return (
    <PhotoModal pathPrefix="/p/" label="Photo">
      {children}
    </PhotoModal>
  );
}
