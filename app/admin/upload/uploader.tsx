'use client';
import { useVirtualizer } from '@tanstack/react-virtual';
import Link from 'next/link';
import { type ChangeEvent, type DragEvent, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { formatBytes } from '../../_lib/library';
import { Batch, type BatchItem } from './batch';
import { leftoverUploads } from './tus-client';
import { chosenFiles, droppedFiles } from './files';
import { formatEta, formatSpeed, UploadRow } from './upload-row';
import { useDevelopEvents } from './use-develop-events';

// What the server accepts (server/images/inspect.ts); it decides by content, this only filters the picker.
const ACCEPT = 'image/jpeg,image/png,image/webp,image/avif,image/tiff,.jpg,.jpeg,.png,.webp,.avif,.tif,.tiff';
const ROW_HEIGHT = 52;

function totals(items: BatchItem[]) {
  const t = { accepted: 0, duplicate: 0, refused: 0, failed: 0, cancelled: 0, active: 0, paused: 0, bytes: 0, sent: 0, speed: 0 };
  for (const i of items) {
    if (i.state === 'hashing' || i.state === 'queued' || i.state === 'uploading') t.active += 1;
    else t[i.state] += 1;
    if (i.state !== 'duplicate' && i.state !== 'refused' && i.state !== 'cancelled') {
      t.bytes += i.file.size;
      t.sent += i.state === 'accepted' ? i.file.size : i.sent;
    }
    t.speed += i.speed;
  }
  return t;
}

/** Files or whole folders → hashed, checked against the library, sent with tus (resumable), developed live. */
export function Uploader() {
  const [batch] = useState(() => new Batch());
  useSyncExternalStore(batch.subscribe, batch.getVersion, () => 0);
  const items = batch.items;
  const [dragging, setDragging] = useState(false);
  const [leftover, setLeftover] = useState(0);
  const folderInput = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  useDevelopEvents(batch, items);

  useEffect(() => {
    setLeftover(leftoverUploads());
    // React has no typed prop for it; the attribute turns the picker into a folder picker.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const t = totals(items);
  const busy = t.active > 0 || t.paused > 0;
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

  // eslint-disable-next-line react-hooks/incompatible-library -- the list re-renders per frame from the batch store anyway; nothing here relies on memoisation
  const virtualizer = useVirtualizer({ count: items.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });

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
    void droppedFiles(event.dataTransfer).then((files) => batch.add(files));
  }
  function onChoose(event: ChangeEvent<HTMLInputElement>) {
    batch.add(chosenFiles(event.currentTarget.files));
    event.currentTarget.value = ''; // choosing the same files again fires change again
  }

  const done = t.accepted + t.duplicate;
  const eta = t.speed > 0 ? formatEta((t.bytes - t.sent) / t.speed) : '';

  return (
    <>
      {leftover > 0 && items.length === 0 && (
        <p className="notice" role="note" data-testid="upload-resumable">
          {leftover === 1 ? '1 resumable upload' : `${leftover} resumable uploads`} from before the reload: add the same files again to continue.
        </p>
      )}
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="drop-zone"
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
        <p>Drop photos or folders here</p>
        <p className="muted">JPEG, PNG, WebP, AVIF or TIFF. Files already in the library are skipped; uploads resume after a drop or a reload.</p>
        <div className="row upload-pickers">
          <label className="button">
            Choose photos
            <input type="file" multiple accept={ACCEPT} onChange={onChoose} className="visually-hidden" data-testid="upload-files" />
          </label>
          <label className="button secondary">
            Choose a folder
            <input ref={folderInput} type="file" multiple onChange={onChoose} className="visually-hidden" data-testid="upload-folder" />
          </label>
        </div>
      </div>

      {items.length > 0 && (
        <>
          <div className="upload-overall">
            <progress value={t.bytes ? t.sent / t.bytes : busy ? 0 : 1} max={1} aria-label="Overall upload progress" />
            <p className="muted" data-testid="upload-progress">
              {formatBytes(t.sent)} of {formatBytes(t.bytes)}
              {t.speed > 0 ? ` · ${formatSpeed(t.speed)}` : ''}
              {eta ? ` · ${eta}` : ''}
            </p>
          </div>
          <div className="row upload-summary">
            <p role="status" data-testid="upload-summary">
              {busy ? `${done} of ${items.length} done` : `Finished: ${items.length} files`}
            </p>
            <span className="spacer" />
            {busy && !batch.paused && <button type="button" className="secondary" onClick={() => batch.pauseAll()}>Pause all</button>}
            {busy && batch.paused && <button type="button" onClick={() => batch.resumeAll()}>Resume all</button>}
            {busy && <button type="button" className="secondary" onClick={() => batch.cancelAll()}>Cancel all</button>}
            {!busy && t.accepted > 0 && <Link href="/admin/library">Go to the library</Link>}
            {!busy && <button type="button" className="secondary" onClick={() => batch.clear()}>Clear list</button>}
          </div>
          <ul className="upload-counts" aria-label="Summary" data-testid="upload-counts">
            <li data-testid="count-accepted">Accepted: {t.accepted}</li>
            <li data-testid="count-duplicate">Already in the library: {t.duplicate}</li>
            <li data-testid="count-refused">Refused: {t.refused}</li>
            <li data-testid="count-failed">Failed: {t.failed}</li>
            {t.cancelled > 0 && <li data-testid="count-cancelled">Cancelled: {t.cancelled}</li>}
          </ul>
          <div ref={scroller} className="upload-list" role="list" aria-label="Uploads">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualizer.getVirtualItems().map((row) => {
                const item = items[row.index];
                return item ? (
                  <div key={item.key} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${row.start}px)` }} data-index={row.index} ref={virtualizer.measureElement}>
                    <UploadRow item={item} batch={batch} />
                  </div>
                ) : null;
              })}
            </div>
          </div>
        </>
      )}
    </>
  );
}
