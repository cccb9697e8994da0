import { ImageDetail } from './image-detail';

export default async function ImagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ImageDetail id={id} />;
}
