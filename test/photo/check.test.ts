/** checkIdPhoto on real images drawn by sharp, and its parts: format sniffing, the border reading, colour names. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkIdPhoto, PHOTO_CHECK_IDS, PhotoInputError, type PhotoCheckResult } from '../../src/photo';
import { readBorder } from '../../src/photo/border';
import { describeBytes, describeLimit, proportionsVerdict } from '../../src/photo/check';
import { hexColour, nameColour } from '../../src/photo/colour';
import { defaultPhotoRules } from '../../src/photo/rules';
import { sniffImageFormat } from '../../src/photo/sniff';
import { bluePortrait, goodJpeg, landscapeJpeg, noisyLargeJpeg, pngPortrait, portrait, randomBytes } from './images';

const rules = defaultPhotoRules();
const check = (r: PhotoCheckResult, id: (typeof PHOTO_CHECK_IDS)[number]) => r.checks.find((c) => c.id === id)!;
const failing = (r: PhotoCheckResult) => r.checks.filter((c) => !c.pass).map((c) => c.id);

describe('checkIdPhoto', () => {
  it('passes a white-background 二寸 portrait JPG under 500 KB on every check, in a fixed order', async () => {
    const photo = await goodJpeg();
    expect(photo.length).toBeLessThan(500 * 1024);
    const result = await checkIdPhoto(photo);
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.id)).toEqual(['format', 'size', 'background', 'proportions']);
    expect(result.checks.every((c) => c.pass)).toBe(true);
    expect(check(result, 'format').advice).toMatch(/^格式：是真正的 JPG 文件/);
    expect(check(result, 'size').advice).toContain(`${photo.length.toLocaleString('en-US')} 字节`);
    expect(check(result, 'background').advice).toContain('符合白底要求');
    expect(check(result, 'proportions').advice).toContain('413×579 像素，高宽比 1.40');
  });

  it('judges the format by content: a PNG fails however it is named, and is told to save as JPG', async () => {
    const result = await checkIdPhoto(await pngPortrait());
    expect(result.ok).toBe(false);
    expect(failing(result)).toEqual(['format']);
    expect(check(result, 'format').advice).toContain('实际是 PNG 格式');
    expect(check(result, 'format').advice).toContain('另存为');
  });

  it('fails a 1200×1600 quality-100 noisy JPG over 500 KB on size only, saying its size and how to recompress', async () => {
    const photo = await noisyLargeJpeg();
    expect(photo.length).toBeGreaterThan(500 * 1024);
    const result = await checkIdPhoto(photo);
    expect(failing(result)).toEqual(['size']);
    const advice = check(result, 'size').advice;
    expect(advice).toContain(describeBytes(photo.length));
    expect(advice).toContain(`${photo.length.toLocaleString('en-US')} 字节`);
    expect(advice).toContain('超过了 500KB 的上限');
    expect(advice).toMatch(/降低 JPG 质量.*尺寸缩小.*重新压缩到 500KB 以内/);
  });

  it('fails a blue background, naming the colour found and how to fix it', async () => {
    const result = await checkIdPhoto(await bluePortrait());
    expect(failing(result)).toEqual(['background']);
    const advice = check(result, 'background').advice;
    expect(advice).toMatch(/背景主要是蓝色（#[0-9A-F]{6}）/);
    expect(advice).toContain('只有 0% 的像素接近白色');
    expect(advice).toContain('换成纯白色');
  });

  it('fails a light grey background too, but not a white one with a few dark specks in the border', async () => {
    const grey = await checkIdPhoto(await portrait({ background: '#c8c8c8' }).jpeg().toBuffer());
    expect(failing(grey)).toEqual(['background']);
    expect(check(grey, 'background').advice).toContain('浅灰色');
    const specks = await checkIdPhoto(await portrait({ specks: true }).jpeg().toBuffer());
    expect(specks.ok).toBe(true);
  });

  it('fails an 800×400 landscape picture on proportions, asking for a portrait 一寸/二寸 crop', async () => {
    const result = await checkIdPhoto(await landscapeJpeg());
    expect(failing(result)).toEqual(['proportions']);
    const advice = check(result, 'proportions').advice;
    expect(advice).toContain('横版（800×400 像素）');
    expect(advice).toMatch(/裁剪为竖版一寸.*二寸/);
  });

  it('fails a square and a too-small portrait with their own advice', async () => {
    const square = await checkIdPhoto(await portrait({ width: 500, height: 500 }).jpeg().toBuffer());
    expect(check(square, 'proportions').advice).toContain('高宽比 1.00');
    expect(check(square, 'proportions').advice).toContain('1.2–1.6');
    const small = await checkIdPhoto(await portrait({ width: 200, height: 280 }).jpeg().toBuffer());
    expect(failing(small)).toEqual(['proportions']);
    expect(check(small, 'proportions').advice).toContain('只有 200×280 像素');
    expect(check(small, 'proportions').advice).toContain('至少 295×413 像素');
  });

  it('reads the photo as shown: a sideways-stored phone photo with EXIF orientation 6 is a portrait', async () => {
    // Stored 579 wide × 413 high, displayed rotated by 90°: 413×579.
    const upright = await portrait().png().toBuffer();
    const stored = await sharp(upright).rotate(-90).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(stored).metadata()).width).toBe(579);
    const result = await checkIdPhoto(stored);
    expect(result.ok).toBe(true);
    expect(check(result, 'proportions').advice).toContain('413×579');
  });

  it('refuses what is not a readable image with a typed error and Chinese advice', async () => {
    const refusal = (buf: Buffer) =>
      checkIdPhoto(buf).then(
        () => undefined,
        (e: unknown) => e,
      );
    const random = await refusal(randomBytes());
    expect(random).toBeInstanceOf(PhotoInputError);
    expect((random as PhotoInputError).reason).toBe('notImage');
    expect((random as PhotoInputError).advice).toBe(rules.texts.refused.notImage);
    expect(await refusal(Buffer.alloc(0))).toMatchObject({ reason: 'empty' });
    // SVG is text, not a photo: never handed to a decoder.
    expect(await refusal(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"/>'))).toMatchObject({ reason: 'notImage' });
    // A JPEG cut off in transfer: a JPEG by its first bytes, but not readable.
    const cut = (await goodJpeg()).subarray(0, 600);
    expect(await refusal(cut)).toMatchObject({ reason: 'unreadable', advice: expect.stringContaining('另存为 JPG') });
  });
});

describe('the parts', () => {
  it('sniffs formats from the first bytes', async () => {
    expect(sniffImageFormat(await goodJpeg())).toBe('JPEG');
    expect(sniffImageFormat(await pngPortrait())).toBe('PNG');
    expect(sniffImageFormat(await portrait().webp().toBuffer())).toBe('WebP');
    expect(sniffImageFormat(await portrait().gif().toBuffer())).toBe('GIF');
    expect(sniffImageFormat(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'))).toBe('HEIC');
    expect(sniffImageFormat(Buffer.from('hello'))).toBeUndefined();
    expect(sniffImageFormat(randomBytes())).toBeUndefined();
  });

  it('reads the top and upper side bands only, and tolerates a few dark pixels', () => {
    const bg = rules.limits.background;
    const img = (width: number, height: number, paint: (x: number, y: number) => number) => {
      const data = new Uint8Array(width * height * 3);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill(paint(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
      return { data, width, height, channels: 3 };
    };
    // Dark bottom 40% (shoulders, reaching the sides): not read.
    expect(
      readBorder(
        img(100, 140, (_x, y) => (y > 84 ? 20 : 255)),
        bg,
      ).whiteShare,
    ).toBe(1);
    // 5% of the band dark: still white enough; 20% dark: not.
    const some = (share: number) =>
      readBorder(
        img(100, 140, (x, y) => (y < 5 && x < 100 * share * 2.6 ? 20 : 255)),
        bg,
      );
    expect(some(0.05).whiteShare).toBeGreaterThanOrEqual(bg.minWhiteShare);
    expect(some(0.2).whiteShare).toBeLessThan(bg.minWhiteShare);
    expect(hexColour(some(0.2).colour)).toBe('#141414');
  });

  it('names colours and sizes the way the advice needs them', () => {
    expect(nameColour([67, 142, 219])).toBe('blue');
    expect(nameColour([220, 40, 40])).toBe('red');
    expect(nameColour([250, 250, 248])).toBe('white');
    expect(nameColour([200, 200, 200])).toBe('lightGrey');
    expect(nameColour([10, 10, 10])).toBe('black');
    expect(hexColour([67, 142, 219])).toBe('#438EDB');
    expect(describeBytes(626_995)).toBe('612.3KB（626,995 字节）');
    expect(describeBytes(3_000_000)).toBe('2.86MB（3,000,000 字节）');
    expect(describeLimit(512_000)).toBe('500KB');
    expect(describeLimit(5 * 1024 * 1024)).toBe('5MB');
    const p = rules.limits.proportions;
    expect(proportionsVerdict(295, 413, p)).toBe('pass');
    expect(proportionsVerdict(413, 579, p)).toBe('pass');
    expect(proportionsVerdict(358, 441, p)).toBe('pass'); // 身份证 photo, 1.23
    expect(proportionsVerdict(294, 413, p)).toBe('tooSmall');
    expect(proportionsVerdict(300, 600, p)).toBe('tooTall');
    expect(proportionsVerdict(400, 400, p)).toBe('tooWide');
    expect(proportionsVerdict(800, 400, p)).toBe('landscape');
  });
});
