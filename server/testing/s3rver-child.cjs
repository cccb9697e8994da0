// s3rver in its own process (see startS3rver in s3.ts): argv = [modulePath, optionsJson].
//
// s3rver 3.7 answers NotImplemented / MethodNotAllowed to three multipart calls that
// @tus/s3-store needs: ListParts (resuming an upload), AbortMultipartUpload (removing one) and
// ListMultipartUploads (finding expired ones). They are added here over s3rver's own on-disk
// layout (one directory per upload id holding `key`, `metadata` and numbered part files with
// a `.md5` beside each), so the real store code runs against a real HTTP S3 API in the tests.
// Requests are not signature-checked here: the SDK's signing is exercised by every other call.
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script for node, no loader: s3rver is CommonJS */
'use strict';
const fs = require('node:fs/promises');
const path = require('node:path');

const [, , modulePath, options] = process.argv;
const S3rver = require(modulePath);
const server = new S3rver(JSON.parse(options));

const xmlEscape = (s) => String(s).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const uploadsRoot = (bucket) => server.store.getResourcePath(bucket, undefined, 'uploads');
const UPLOAD_ID = /^[A-Za-z0-9_-]+$/;

function xml(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
const noSuchUpload = (ctx, uploadId) =>
  xml(ctx, 404, `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${xmlEscape(uploadId)}</UploadId></Error>`);

async function listParts(ctx, bucket, key, uploadId) {
  const dir = path.join(uploadsRoot(bucket), uploadId);
  const names = await fs.readdir(dir).catch(() => null);
  if (!names) return noSuchUpload(ctx, uploadId);
  const numbers = names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const parts = await Promise.all(
    numbers.map(async (n) => {
      const [stat, md5] = await Promise.all([fs.stat(path.join(dir, String(n))), fs.readFile(path.join(dir, `${n}.md5`), 'utf8')]);
      return `<Part><PartNumber>${n}</PartNumber><LastModified>${stat.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${stat.size}</Size></Part>`;
    }),
  );
  xml(
    ctx,
    200,
    `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key>` +
      `<UploadId>${xmlEscape(uploadId)}</UploadId><PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker>${numbers.at(-1) ?? 0}</NextPartNumberMarker>` +
      `<MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
  );
}

async function abortUpload(ctx, bucket, uploadId) {
  const dir = path.join(uploadsRoot(bucket), uploadId);
  if (!(await fs.stat(dir).catch(() => null))) return noSuchUpload(ctx, uploadId);
  await fs.rm(dir, { recursive: true, force: true });
  ctx.status = 204;
}

/** Every upload in progress; `Initiated` is when its `key` file was written (tests may back-date it). */
async function listUploads(ctx, bucket) {
  const root = uploadsRoot(bucket);
  const ids = await fs.readdir(root).catch(() => []);
  const uploads = [];
  for (const id of ids.sort()) {
    const keyFile = path.join(root, id, 'key');
    const [key, stat] = await Promise.all([fs.readFile(keyFile, 'utf8').catch(() => null), fs.stat(keyFile).catch(() => null)]);
    if (key === null || !stat) continue;
    uploads.push(
      `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(id)}</UploadId><Initiated>${stat.mtime.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    );
  }
  xml(
    ctx,
    200,
    `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucket)}</Bucket><KeyMarker></KeyMarker>` +
      `<UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`,
  );
}

// First in the chain: path-style requests only (the tests configure forcePathStyle).
server.middleware.unshift(async (ctx, next) => {
  const [bucket, ...rest] = ctx.path.split('/').slice(1).map(decodeURIComponent);
  const key = rest.join('/');
  const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
  if (bucket && key && uploadId !== undefined && UPLOAD_ID.test(uploadId)) {
    if (ctx.method === 'GET') return listParts(ctx, bucket, key, uploadId);
    if (ctx.method === 'DELETE') return abortUpload(ctx, bucket, uploadId);
  }
  if (bucket && !key && ctx.method === 'GET' && 'uploads' in ctx.query) return listUploads(ctx, bucket);
  return next();
});

server.run().then(
  (address) => process.send({ port: address.port }),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
// The parent went away (stop(), or the test process died): shut down with it.
process.on('disconnect', () => server.close().finally(() => process.exit(0)));
