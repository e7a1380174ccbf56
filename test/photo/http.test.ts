/** POST /api/photo-check over real HTTP on an ephemeral port, with real images. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPhotoCheckRouter, PHOTO_CHECK_PATH } from '../../src/photo';
import { defaultPhotoRules } from '../../src/photo/rules';
import { bluePortrait, goodJpeg, landscapeJpeg, noisyLargeJpeg, pngPortrait, randomBytes } from './images';

let server: Server;
let url = '';

beforeAll(async () => {
  const app = express();
  app.use(createPhotoCheckRouter());
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PHOTO_CHECK_PATH}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function post(body: Buffer, contentType: string | undefined = 'image/jpeg') {
  const res = await fetch(url, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body: new Uint8Array(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { checks?: { id: string; pass: boolean; advice: string }[] } };
}
const failing = (json: { checks?: { id: string; pass: boolean }[] }) => json.checks?.filter((c) => !c.pass).map((c) => c.id);

describe('POST /api/photo-check', () => {
  it('answers 200 {ok, checks} for a good photo, every check passing', async () => {
    const { status, json } = await post(await goodJpeg());
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['ok', 'checks']);
    expect(json.ok).toBe(true);
    expect(json.checks?.map((c) => Object.keys(c))).toEqual(Array(4).fill(['id', 'pass', 'advice']));
    expect(json.checks?.map((c) => c.id)).toEqual(['format', 'size', 'background', 'proportions']);
  });

  it('judges the bytes, not the Content-Type: a PNG sent as image/jpeg fails the format', async () => {
    const { status, json } = await post(await pngPortrait(), 'image/jpeg');
    expect(status).toBe(200);
    expect(json.ok).toBe(false);
    expect(failing(json)).toEqual(['format']);
  });

  it('fails size, background and proportions with their advice', async () => {
    const large = await post(await noisyLargeJpeg(), 'application/octet-stream');
    expect(failing(large.json)).toEqual(['size']);
    expect(large.json.checks?.[1].advice).toContain('重新压缩到 500KB 以内');
    const blue = await post(await bluePortrait());
    expect(failing(blue.json)).toEqual(['background']);
    expect(blue.json.checks?.[2].advice).toContain('蓝色');
    const wide = await post(await landscapeJpeg());
    expect(failing(wide.json)).toEqual(['proportions']);
    expect(wide.json.checks?.[3].advice).toContain('横版');
  });

  it('accepts a body without Content-Type', async () => {
    const { status, json } = await post(await goodJpeg(), undefined);
    expect(status).toBe(200);
    expect(json.ok).toBe(true);
  });

  it('answers 400 with a reason and advice for random bytes, text and an empty body', async () => {
    const rules = defaultPhotoRules();
    const random = await post(randomBytes(), 'image/jpeg');
    expect(random.status).toBe(400);
    expect(random.json).toEqual({ error: 'body is not an image (expected a JPEG photo)', advice: rules.texts.refused.notImage });
    const text = await post(Buffer.from('{"photo":"me.jpg"}'), 'text/plain');
    expect(text.status).toBe(400);
    const empty = await post(Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.json).toEqual({ error: 'body is empty; send the photo file as the body', advice: rules.texts.refused.empty });
  });

  it('answers 413 with a reason beyond 5 MB', async () => {
    const big = Buffer.concat([await goodJpeg(), Buffer.alloc(5 * 1024 * 1024)]);
    const { status, json } = await post(big);
    expect(status).toBe(413);
    expect(json.error).toBe('body is larger than 5MB');
    expect(json.advice).toContain('文件超过 5MB');
  });
});
