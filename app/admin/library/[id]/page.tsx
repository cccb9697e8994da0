import { requireAdmin } from '../../../_lib/access';
import { ImageDetail } from './image-detail';

export default async function ImagePage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  return <ImageDetail id={id} />;
}
