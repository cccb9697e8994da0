import { rgbaToThumbHash } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { altText, aspectRatio, cameraName, exifRows, formatShutter, placeholderDataUrl, srcSet, tileSizes, variantUpTo } from './present';

const variant = (width: number, format: 'avif' | 'webp') => ({ width, height: Math.round(width / 1.5), format, bytes: width, url: `/api/v1/files/v/${width}.${format}` });
const VARIANTS = [variant(1280, 'webp'), variant(320, 'avif'), variant(640, 'webp'), variant(320, 'webp'), variant(1920, 'avif'), variant(640, 'avif'), variant(1280, 'avif'), variant(1920, 'webp')];

describe('placeholderDataUrl', () => {
  it('turns a ThumbHash into a PNG data URL the HTML can paint at once', () => {
    const rgba = new Uint8Array(4 * 4 * 4).fill(200);
    const hash = Buffer.from(rgbaToThumbHash(4, 4, rgba)).toString('base64');
    expect(placeholderDataUrl(hash)).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);
  });

  it('gives null for a missing or malformed hash instead of throwing', () => {
    expect(placeholderDataUrl(null)).toBeNull();
    expect(placeholderDataUrl('%%% not base64 %%%')).toBeNull();
  });
});

describe('altText', () => {
  it('uses the title, trimmed', () => {
    expect(altText({ title: '  Harbour at dawn ', takenAt: null, createdAt: '2024-05-01T10:00:00Z' })).toBe('Harbour at dawn');
  });
  it('falls back to "Photo" and the day taken, else the day uploaded', () => {
    expect(altText({ title: '', takenAt: '2023-07-14T18:30:00Z', createdAt: '2024-05-01T10:00:00Z' })).toBe('Photo, 14 Jul 2023');
    expect(altText({ title: ' ', takenAt: null, createdAt: '2024-05-01T10:00:00Z' })).toBe('Photo, 1 May 2024');
  });
});

describe('variants', () => {
  it('lists one format narrowest first with width descriptors, never the other format', () => {
    expect(srcSet(VARIANTS, 'avif')).toBe('/api/v1/files/v/320.avif 320w, /api/v1/files/v/640.avif 640w, /api/v1/files/v/1280.avif 1280w, /api/v1/files/v/1920.avif 1920w');
    expect(srcSet(VARIANTS, 'webp')).not.toContain('avif');
    expect(srcSet([], 'webp')).toBe('');
  });
  it('picks the widest WebP up to a width, else the narrowest, else AVIF', () => {
    expect(variantUpTo(VARIANTS, 1280)?.url).toBe('/api/v1/files/v/1280.webp');
    expect(variantUpTo(VARIANTS, 100)?.url).toBe('/api/v1/files/v/320.webp');
    expect(variantUpTo([variant(640, 'avif')], 1280)?.url).toBe('/api/v1/files/v/640.avif');
    expect(variantUpTo([], 1280)).toBeUndefined();
  });
  it('sizes a tile by its row height and aspect ratio', () => {
    expect(aspectRatio({ width: 1600, height: 800 })).toBe(2);
    expect(aspectRatio({ width: null, height: null })).toBe(1.5);
    expect(tileSizes(2)).toBe('(max-width: 640px) 330px, 780px');
  });
});

describe('EXIF panel rows', () => {
  it('formats camera, lens, focal length, aperture, shutter, ISO and date', () => {
    const rows = exifRows({
      takenAt: '2023-07-14T18:30:00Z',
      exif: { make: 'FUJIFILM', model: 'X-T4', lens: 'XF23mmF2 R WR', focalLength: 23, fNumber: 2, exposureTime: 1 / 250, iso: 400 },
    });
    expect(rows).toEqual([
      { label: 'Camera', value: 'FUJIFILM X-T4' },
      { label: 'Lens', value: 'XF23mmF2 R WR' },
      { label: 'Focal length', value: '23 mm' },
      { label: 'Aperture', value: 'f/2' },
      { label: 'Shutter', value: '1/250 s' },
      { label: 'ISO', value: '400' },
      { label: 'Taken', value: '14 Jul 2023, 18:30' },
    ]);
  });

  it('shows the location only when the image carries GPS, and skips what is missing', () => {
    expect(exifRows({ takenAt: null, exif: { fNumber: 5.6 } })).toEqual([{ label: 'Aperture', value: 'f/5.6' }]);
    const withGps = exifRows({ takenAt: null, exif: { gps: { latitude: 48.8583701, longitude: 2.2944813 } } });
    expect(withGps).toHaveLength(1);
    expect(withGps[0]).toMatchObject({ label: 'Location', value: '48.85837, 2.29448' });
    expect(withGps[0]?.href).toContain('openstreetmap.org');
  });

  it('does not repeat a make the model already names', () => {
    expect(cameraName('Canon', 'Canon EOS R5')).toBe('Canon EOS R5');
    expect(cameraName('NIKON CORPORATION', 'NIKON Z 6')).toBe('NIKON Z 6');
    expect(cameraName('Apple', 'iPhone 15 Pro')).toBe('Apple iPhone 15 Pro');
    expect(cameraName(undefined, undefined)).toBeNull();
  });

  it('writes long exposures in seconds and rejects nonsense', () => {
    expect(formatShutter(2.5)).toBe('2.5 s');
    expect(formatShutter(1 / 3)).toBe('1/3 s');
    expect(formatShutter(0)).toBeNull();
  });
});
