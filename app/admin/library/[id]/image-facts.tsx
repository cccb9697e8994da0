import { type AdminImage, formatBytes, formatDate, formatExposure } from '../../../_lib/library';

function camera(exif: AdminImage['exif']): string | undefined {
  const { make, model } = exif;
  if (make && model) return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
  return model ?? make;
}

function exifRows(image: AdminImage): [string, string][] {
  const { exif } = image;
  const rows: [string, string | undefined][] = [
    ['Camera', camera(exif)],
    ['Lens', exif.lens],
    ['Focal length', exif.focalLength === undefined ? undefined : `${Number(exif.focalLength.toFixed(1))} mm`],
    ['F-number', exif.fNumber === undefined ? undefined : `f/${Number(exif.fNumber.toFixed(1))}`],
    ['Exposure', exif.exposureTime === undefined ? undefined : formatExposure(exif.exposureTime)],
    ['ISO', exif.iso === undefined ? undefined : String(exif.iso)],
    ['Taken at', image.takenAt ? formatDate(image.takenAt) : undefined],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

export function ImageFacts({ image }: { image: AdminImage }) {
  const rows = exifRows(image);
  const gps = image.exif.gps;
  return (
    <section aria-labelledby="facts-heading">
      <h2 id="facts-heading">Photo</h2>
      {image.lastError && (
        <p className="error" role="alert" data-testid="last-error">Last error: {image.lastError}</p>
      )}
      {image.warnings.length > 0 && (
        <ul className="warnings" aria-label="Warnings">
          {image.warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
      <dl className="facts">
        <div className="fact">
          <dt>Original</dt>
          <dd>{image.originalName} · {image.mime} · {formatBytes(image.bytes)}{image.width && image.height ? ` · ${image.width} × ${image.height}` : ''}</dd>
        </div>
        {rows.map(([label, value]) => (
          <div key={label} className="fact">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {gps && (
          <div className="fact">
            <dt>GPS</dt>
            <dd>
              <a href={`https://www.openstreetmap.org/?mlat=${gps.latitude}&mlon=${gps.longitude}#map=14/${gps.latitude}/${gps.longitude}`} target="_blank" rel="noreferrer">
                {gps.latitude.toFixed(5)}, {gps.longitude.toFixed(5)}
              </a>
            </dd>
          </div>
        )}
        <div className="fact">
          <dt>Added</dt>
          <dd>{formatDate(image.createdAt)}</dd>
        </div>
      </dl>
      {rows.length === 0 && !gps && <p className="muted">No EXIF data.</p>}

      <h2>Variants</h2>
      {image.variants.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table className="compact">
          <thead>
            <tr><th>Size</th><th>Format</th><th>Bytes</th><th /></tr>
          </thead>
          <tbody>
            {image.variants.map((v) => (
              <tr key={v.url}>
                <td>{v.width} × {v.height}</td>
                <td>{v.format}</td>
                <td>{formatBytes(v.bytes)}</td>
                <td><a href={v.url} target="_blank" rel="noreferrer" aria-label={`Open the ${v.width} px ${v.format}`}>Open</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
