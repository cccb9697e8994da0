import { exifRows, type GalleryImage } from '../_lib/present';

/** Camera, lens, exposure and date; the location only when the image carries GPS (its album allows it). */
export function ExifPanel({ image }: { image: GalleryImage }) {
  const rows = exifRows(image);
  if (!rows.length) return null;
  return (
    <section className="g-exif" aria-label="Photo details" data-testid="exif-panel">
      <dl>
        {rows.map((row) => (
          <div key={row.label} data-testid={`exif-${row.label.toLowerCase().replace(/\s+/g, '-')}`}>
            <dt>{row.label}</dt>
            <dd>
              {row.href ? (
                <a href={row.href} rel="noopener noreferrer" target="_blank">
                  {row.value}
                </a>
              ) : (
                row.value
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
