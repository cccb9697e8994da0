import { requireAdmin } from '../../_lib/access';
import { IMAGE_STATUSES, oneOf } from '../../_lib/library';
import { Library } from './library';

type Param = string | string[] | undefined;
interface Props {
  searchParams: Promise<Record<'status' | 'album' | 'q' | 'from' | 'to' | 'at', Param>>;
}

const one = (value: Param) => (Array.isArray(value) ? value[0] : value) ?? '';
/** A malformed date in a hand-edited URL is dropped rather than sent to the API. */
const matching = (pattern: RegExp, value: Param) => (pattern.test(one(value)) ? one(value) : '');
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

/** Filters and the date jump live in the URL (?status=&album=&q=&from=&to=&at=) so they survive going to a photo and back. */
export default async function LibraryPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  return (
    <>
      <h1>Library</h1>
      <Library
        status={oneOf(IMAGE_STATUSES, one(params.status)) ?? ''}
        album={one(params.album)}
        q={one(params.q).slice(0, 100)}
        from={matching(DAY, params.from)}
        to={matching(DAY, params.to)}
        at={matching(MONTH, params.at)}
      />
    </>
  );
}
