'use client';
import Link from 'next/link';
import { type ChangeEvent, type DragEvent, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../_lib/library';
import { uploadImage } from '../../_lib/upload';
import { type UploadItem, UploadRow } from './upload-row';

const MAX_PARALLEL = 3;
// What the server accepts (server/images/inspect.ts); it decides by content, this only filters the picker.
const ACCEPT = 'image/jpeg,image/png,image/webp,image/avif,image/tiff,.jpg,.jpeg,.png,.webp,.avif,.tif,.tiff';

/** Drop zone + file picker; one request per file, at most MAX_PARALLEL in flight. */
export function Uploader() {
  const [items, setItems] = useState<UploadItem[]>([]);
  const [dragging, setDragging] = useState(false);
  const waiting = useRef<UploadItem[]>([]);
  const inFlight = useRef(0);
  const nextKey = useRef(0);

  const update = (key: number, patch: Partial<UploadItem>) =>
    setItems((prev) => prev.map((item) => (item.key === key ? { ...item, ...patch } : item)));

  function pump() {
    while (inFlight.current < MAX_PARALLEL) {
      const item = waiting.current.shift();
      if (!item) return;
      inFlight.current += 1;
      update(item.key, { state: 'uploading' });
      uploadImage(item.file, (fraction) => update(item.key, { progress: fraction, state: fraction >= 1 ? 'saving' : 'uploading' }))
        .done.then(
          (image) => update(item.key, { state: 'done', progress: 1, imageId: image.id }),
          (error: unknown) => update(item.key, { state: 'failed', error: errorMessage(error, 'Upload failed') }),
        )
        .finally(() => {
          inFlight.current -= 1;
          pump();
        });
    }
  }

  function add(files: FileList | null) {
    if (!files || files.length === 0) return;
    const added: UploadItem[] = Array.from(files, (file) => ({ key: nextKey.current++, file, progress: 0, state: 'queued' }));
    setItems((prev) => [...prev, ...added]);
    waiting.current.push(...added);
    pump();
  }

  const busy = items.some((i) => i.state === 'queued' || i.state === 'uploading' || i.state === 'saving');
  useEffect(() => {
    if (!busy) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  // A photo dropped beside the zone would make the browser open it and leave the page.
  useEffect(() => {
    const block = (event: Event) => event.preventDefault();
    window.addEventListener('dragover', block);
    window.addEventListener('drop', block);
    return () => {
      window.removeEventListener('dragover', block);
      window.removeEventListener('drop', block);
    };
  }, []);

  function onDragOver(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  }
  function onDragLeave(event: DragEvent<HTMLDivElement>) {
    if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setDragging(false);
  }
  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  }
  function onChoose(event: ChangeEvent<HTMLInputElement>) {
    add(event.currentTarget.files);
    event.currentTarget.value = ''; // choosing the same files again fires change again
  }

  const uploaded = items.filter((i) => i.state === 'done').length;
  const failed = items.filter((i) => i.state === 'failed').length;

  return (
    <>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
        <p>Drop photos here</p>
        <p className="muted">JPEG, PNG, WebP, AVIF or TIFF, developed in the background after upload.</p>
        <label className="button">
          Choose photos
          <input type="file" multiple accept={ACCEPT} onChange={onChoose} className="visually-hidden" />
        </label>
      </div>

      {items.length > 0 && (
        <>
          <div className="row upload-summary">
            <p role="status" data-testid="upload-summary">
              {uploaded} of {items.length} uploaded{failed > 0 ? `, ${failed} failed` : ''}
            </p>
            <span className="spacer" />
            {!busy && uploaded > 0 && <Link href="/admin/library">Go to the library</Link>}
            {!busy && (
              <button type="button" className="secondary" onClick={() => setItems([])}>
                Clear list
              </button>
            )}
          </div>
          <ul className="upload-list" aria-label="Uploads">
            {items.map((item) => (
              <UploadRow key={item.key} item={item} />
            ))}
          </ul>
        </>
      )}
    </>
  );
}
