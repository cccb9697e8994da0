import { requireAdmin } from '../../_lib/access';
import { IMAGE_STATUSES, oneOf } from '../../_lib/library';
import { Library } from './library';

interface Props {
  searchParams: Promise<{ status?: string | string[]; album?: string | string[] }>;
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

/** Filters live in the URL (?status=&album=) so they survive going to a photo and back. */
export default async function LibraryPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  return (
    <>
      <h1>Library</h1>
      <Library status={oneOf(IMAGE_STATUSES, one(params.status)) ?? ''} albumId={one(params.album)} />
    </>
  );
}
