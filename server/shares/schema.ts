import { z } from 'zod';
import { imageDto } from '../images';
import { entityId, pageOf, pageQuery } from '../shapes';

export const shareStates = ['active', 'expired', 'revoked'] as const;

export const createShareInput = z
  .object({
    label: z.string().trim().max(200).default(''),
    password: z.string().min(4, 'use at least 4 characters').max(256).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'ISO 8601; must be in the future', example: '2030-01-31T23:59:59Z' }),
  })
  .strict()
  .meta({ id: 'CreateShare' });
export type CreateShareInput = z.input<typeof createShareInput>;

/** A link as admins see it: never its token, token hash or password hash. */
export const shareDto = z
  .object({
    id: z.string(),
    albumId: z.string(),
    label: z.string(),
    hasPassword: z.boolean(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    openCount: z.number().int(),
    lastOpenedAt: z.string().nullable(),
    createdAt: z.string(),
    state: z.enum(shareStates),
  })
  .meta({ id: 'Share' });
export type ShareDto = z.infer<typeof shareDto>;

export const shareList = z.object({ items: z.array(shareDto) }).meta({ id: 'ShareList' });

/** The answer to creating a link: the only time its token is ever shown. */
export const createdShareDto = z
  .object({
    share: shareDto,
    token: z.string(),
    url: z.string().meta({ description: 'The visitor page, /s/<token>, on BETTER_AUTH_URL' }),
  })
  .meta({ id: 'CreatedShare' });

export const shareParams = z.object({ id: entityId, shareId: entityId });
/** 32 random bytes in base64url are 43 characters; the cap only keeps junk out of logs. */
export const shareTokenParam = z.object({ token: z.string().min(1).max(128) });
export const unlockShareInput = z.object({ password: z.string().min(1).max(256) }).strict().meta({ id: 'UnlockShare' });
export const sharePageQuery = pageQuery(24);

export const sharedAlbumDto = z
  .object({ id: z.string(), title: z.string(), description: z.string(), imageCount: z.number().int(), allowDownload: z.boolean() })
  .meta({ id: 'SharedAlbum' });
/** A shared album and a page of its photos; variant URLs go through the share's own files route. */
export const sharedAlbumPage = z.object({ album: sharedAlbumDto, images: pageOf(imageDto) }).meta({ id: 'SharedAlbumPage' });
export type SharedAlbumPage = z.infer<typeof sharedAlbumPage>;
