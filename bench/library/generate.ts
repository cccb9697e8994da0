/** A synthetic library written by SQL alone (insert … select generate_series): rows, no files. */

export const ALBUMS = 2000;
export const TAGS = 200;
export const QUEUED_JOBS = 10_000;
export const WORDS = [
  'sunset', 'harbour', 'mountain', 'portrait', 'street', 'forest', 'river', 'market', 'bridge', 'garden',
  'winter', 'summer', 'autumn', 'spring', 'beach', 'city', 'night', 'morning', 'festival', 'wedding',
  'family', 'dog', 'cat', 'lighthouse', 'snow', 'desert', 'island', 'lake', 'castle', 'train',
];

/** Deterministic ids from a number, so the bench can name its targets without reading them back. */
export const imageId = (sqlNumber: string) => `md5('image-' || ${sqlNumber})::uuid::text`;
export const albumId = (sqlNumber: string) => `md5('album-' || ${sqlNumber})::uuid::text`;
export const tagId = (sqlNumber: string) => `md5('tag-' || ${sqlNumber})::uuid::text`;

/**
 * Statements in order for `n` images: 2,000 albums (one in ten private), 200 tags, images spread
 * over the albums and over ten years of taken-at dates, titles of two words and a number,
 * statuses 97 % ready, 1.5 % pending, 0.5 % processing, 1 % failed, one in twenty private, about
 * two tags per image, one finished job per developed image and 10,000 queued jobs.
 */
export function libraryStatements(n: number): string[] {
  // One fixed instant: each statement is its own transaction, so now() would differ between them.
  const base = `timestamptz '${new Date().toISOString()}'`;
  const upload = (g: string) => `${base} - (${n} - ${g}) * interval '30 seconds'`;
  const words = `array[${WORDS.map((w) => `'${w}'`).join(',')}]`;
  const w = WORDS.length;
  return [
    `insert into albums (id, slug, title, description, visibility, position, created_at, updated_at)
     select ${albumId('a')}, 'album-' || a, 'Album ' || a, '', case when a % 10 = 0 then 'private' else 'public' end, a,
            now() - a * interval '1 hour', now()
     from generate_series(1, ${ALBUMS}) a`,
    `insert into tags (id, name) select ${tagId('t')}, 'tag-' || t from generate_series(1, ${TAGS}) t`,
    `insert into images (id, album_id, title, original_key, original_name, mime, bytes, sha256, width, height, taken_at,
                         exif, placeholder, dominant_color, status, visibility, created_at, updated_at)
     select ${imageId('g')}, ${albumId(`(1 + g % ${ALBUMS})`)},
            initcap((${words})[1 + g % ${w}]) || ' ' || (${words})[1 + (g / ${w}) % ${w}] || ' ' || g,
            'originals/' || g, 'IMG_' || g || '.jpg', 'image/jpeg', 8000000 + g % 1000, md5('sha-' || g) || md5('sha2-' || g),
            6000, 4000, timestamptz '2015-01-01' + ((g::bigint * 7919) % 315360000) * interval '1 second',
            '{"make":"Bench","model":"One","iso":200}'::jsonb, 'AAAA', '#336699',
            case when g % 200 < 3 then 'pending' when g % 200 = 3 then 'processing' when g % 200 < 6 then 'failed' else 'ready' end,
            case when g % 20 = 7 then 'private' else 'public' end,
            ${upload('g')}, now()
     from generate_series(1, ${n}) g`,
    `insert into image_tags (image_id, tag_id, image_created_at)
     select ${imageId('g')}, ${tagId(`(1 + (g * 7 + k * 53) % ${TAGS})`)}, ${upload('g')}
     from generate_series(1, ${n}) g, generate_series(0, 2) k where (g + k) % 3 <> 0`,
    `insert into preprocess_jobs (id, kind, subject_id, status, attempts, run_after, finished_at, created_at, updated_at)
     select md5('job-' || g)::uuid::text, 'develop-image', ${imageId('g')}, case when g % 200 between 4 and 5 then 'failed' else 'succeeded' end, 1,
            ${upload('g')}, ${upload('g')} + interval '5 seconds',
            ${upload('g')}, now()
     from generate_series(1, ${n}) g where g % 200 >= 3`,
    `insert into preprocess_jobs (id, kind, subject_id, status, run_after, created_at, updated_at)
     select md5('queued-' || q)::uuid::text, 'develop-image', 'backlog-' || q, 'queued', now() - interval '1 hour', now() - (${QUEUED_JOBS} - q) * interval '10 ms', now()
     from generate_series(1, ${QUEUED_JOBS}) q`,
  ];
}
