/** A pill for image, job and visibility states; colours in globals.css (.badge.s-<status>). */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge s-${status}`}>{status}</span>;
}
