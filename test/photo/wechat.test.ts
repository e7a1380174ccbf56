/**
 * WeChat image messages answered with the photo check: signed XML in, passive text reply out, over
 * real HTTP. Pictures come from an injected fetcher, or over real HTTP from a local picture server
 * through the production fetcher.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWeChatRouter } from '../../src/channels/wechat';
import { loadWeChatMessages } from '../../src/channels/wechat/messages';
import { httpPictureFetcher, photoReplyForWeChat, weChatPhotoCheck, type PictureFetcher } from '../../src/photo';
import { defaultPhotoRules } from '../../src/photo/rules';
import { tempService } from '../helpers/service';
import { ACCOUNT, APP_ID, NOW_MS, NOW_S, RecordingSender, SpyService, TOKEN, nextMsgId, parseReply, plainQuery } from '../channels/wechat/harness';
import { bluePortrait, goodJpeg, pngPortrait, randomBytes } from './images';

const rules = defaultPhotoRules();
const servers: Server[] = [];
const cleanups: (() => void)[] = [];

async function listen(app: express.Express): Promise<string> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  cleanups.forEach((c) => c());
});

/** The WeChat router at /wechat with the photo check wired in, as the server would mount it. */
async function startWeChat(photoCheck: ((picUrl: string) => Promise<string>) | undefined, replyTimeoutMs?: number) {
  const temp = tempService();
  cleanups.push(temp.cleanup);
  const service = new SpyService(temp.service);
  const sender = new RecordingSender();
  const logs: string[] = [];
  const app = express();
  app.use(
    '/wechat',
    createWeChatRouter(
      service,
      { token: TOKEN, appId: APP_ID, replyTimeoutMs },
      { customerService: sender, now: () => NOW_MS, log: (l) => logs.push(l), photoCheck },
    ),
  );
  const url = `${await listen(app)}/wechat`;
  const post = async (body: string) => {
    const res = await fetch(`${url}?${plainQuery()}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    return { status: res.status, body: await res.text() };
  };
  return { service, sender, logs, post };
}

function imageXml(opts: { from: string; picUrl?: string; msgId?: string }): string {
  return (
    `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${opts.from}]]></FromUserName>` +
    `<CreateTime>${NOW_S}</CreateTime><MsgType><![CDATA[image]]></MsgType>` +
    (opts.picUrl ? `<PicUrl><![CDATA[${opts.picUrl}]]></PicUrl>` : '') +
    `<MediaId><![CDATA[media_${opts.from}]]></MediaId><MsgId>${opts.msgId ?? nextMsgId()}</MsgId></xml>`
  );
}

/** A fetcher serving fixed pictures by URL, recording what it was asked. */
function fakeFetcher(pictures: Record<string, Buffer>): PictureFetcher & { asked: string[] } {
  const asked: string[] = [];
  const fetcher = async (url: string) => {
    asked.push(url);
    const pic = pictures[url];
    if (!pic) throw new Error(`no picture at ${url}`);
    return pic;
  };
  return Object.assign(fetcher, { asked });
}

let pictureBase = '';
beforeAll(async () => {
  // Stands in for WeChat's image CDN (mmbiz.qpic.cn).
  const pics = express();
  const blue = await bluePortrait();
  pics.get('/mmbiz/blue.jpg', (_req, res) => void res.type('image/jpeg').send(blue));
  pictureBase = await listen(pics);
});

describe('a WeChat image message', () => {
  it('is fetched by its PicUrl, checked, and answered with a ✓ line per check, the note and the source; no turn is stored', async () => {
    const fetcher = fakeFetcher({ 'https://mmbiz.qpic.cn/good': await goodJpeg() });
    const wx = await startWeChat(weChatPhotoCheck({ fetchPicture: fetcher }));
    const res = await wx.post(imageXml({ from: 'oPhotoUser1', picUrl: 'https://mmbiz.qpic.cn/good' }));
    expect(res.status).toBe(200);
    const reply = parseReply(res.body);
    expect(reply.ToUserName).toBe('oPhotoUser1');
    expect(reply.MsgType).toBe('text');
    const lines = reply.Content.split('\n');
    expect(lines[0]).toBe('证件照自查：4 项都符合要求。');
    expect(lines.slice(1, 5).map((l) => l.slice(0, 5))).toEqual(['✓ 格式：', '✓ 大小：', '✓ 背景：', '✓ 比例：']);
    expect(lines[5]).toBe(rules.texts.wechat.note);
    expect(lines[6]).toBe('来源：原文“三、步骤二：准备必要材料”');
    expect(fetcher.asked).toEqual(['https://mmbiz.qpic.cn/good']);
    // The picture is not a turn of the conversation: nothing handled, nothing stored.
    expect(wx.service.handled).toEqual([]);
    expect(await wx.service.history('wechat:oPhotoUser1')).toEqual([]);
  });

  it('says what fails and how to fix it (a PNG), and what to do with something that is no picture', async () => {
    const fetcher = fakeFetcher({ 'https://p/png': await pngPortrait(), 'https://p/junk': randomBytes() });
    const wx = await startWeChat(weChatPhotoCheck({ fetchPicture: fetcher }));
    const png = parseReply((await wx.post(imageXml({ from: 'oPhotoUser2', picUrl: 'https://p/png' }))).body).Content;
    expect(png).toMatch(/^证件照自查：4 项中有 1 项不符合要求/);
    expect(png).toContain('✗ 格式：这张图片实际是 PNG 格式');
    expect(png).toContain('另存为');
    const junk = parseReply((await wx.post(imageXml({ from: 'oPhotoUser2', picUrl: 'https://p/junk' }))).body).Content;
    expect(junk).toBe(rules.texts.refused.notImage);
  });

  it('answers a retry of the same MsgId once, from one download', async () => {
    const fetcher = fakeFetcher({ 'https://p/good': await goodJpeg() });
    const wx = await startWeChat(weChatPhotoCheck({ fetchPicture: fetcher }));
    const msgId = nextMsgId();
    const first = await wx.post(imageXml({ from: 'oPhotoUser3', picUrl: 'https://p/good', msgId }));
    const retry = await wx.post(imageXml({ from: 'oPhotoUser3', picUrl: 'https://p/good', msgId }));
    expect(parseReply(retry.body).Content).toBe(parseReply(first.body).Content);
    expect(fetcher.asked).toHaveLength(1);
  });

  it('is acknowledged with `success` when the check is slow, and answered through customer service', async () => {
    const good = await goodJpeg();
    const slow: PictureFetcher = () => new Promise((resolve) => setTimeout(resolve, 300, good));
    const wx = await startWeChat(weChatPhotoCheck({ fetchPicture: slow }), 100);
    const res = await wx.post(imageXml({ from: 'oPhotoSlow', picUrl: 'https://p/slow' }));
    expect(res.body).toBe('success');
    await wx.sender.received(1);
    expect(wx.sender.sent[0].openId).toBe('oPhotoSlow');
    expect(wx.sender.sent[0].text).toMatch(/^证件照自查：4 项都符合要求。/);
  });

  it('without a photo check (or without a PicUrl) still gets the "text only" reply', async () => {
    const off = await startWeChat(undefined);
    const { wechatUnsupported } = loadWeChatMessages();
    expect(parseReply((await off.post(imageXml({ from: 'oPhotoOff', picUrl: 'https://p/x' }))).body).Content).toBe(wechatUnsupported);
    const on = await startWeChat(weChatPhotoCheck({ fetchPicture: fakeFetcher({}) }));
    expect(parseReply((await on.post(imageXml({ from: 'oPhotoNoUrl' }))).body).Content).toBe(wechatUnsupported);
  });
});

describe('downloading the picture over real HTTP (the production fetcher)', () => {
  it('GETs the PicUrl and checks what it gets', async () => {
    const text = await photoReplyForWeChat(`${pictureBase}/mmbiz/blue.jpg`, { fetchPicture: httpPictureFetcher() });
    expect(text).toMatch(/^证件照自查：4 项中有 1 项不符合要求/);
    expect(text).toContain('✗ 背景：照片边缘的背景主要是蓝色');
  });

  it('tells the user to send again when the download fails, and logs why', async () => {
    const logs: string[] = [];
    const text = await photoReplyForWeChat(`${pictureBase}/mmbiz/gone.jpg`, { fetchPicture: httpPictureFetcher(), log: (l) => logs.push(l) });
    expect(text).toBe(rules.texts.wechat.fetchFailed);
    expect(logs).toEqual(['photo: picture download failed: Error: picture download answered HTTP 404']);
  });

  it('stops reading a picture larger than its limit and says so', async () => {
    const text = await photoReplyForWeChat(`${pictureBase}/mmbiz/blue.jpg`, { fetchPicture: httpPictureFetcher({ maxBytes: 1024 }) });
    expect(text).toBe('文件超过 1KB，不像是一张证件照。请先把照片压缩到 500KB 以内再上传。');
  });

  it('refuses an address that is not http(s)', async () => {
    const logs: string[] = [];
    expect(await photoReplyForWeChat('file:///etc/passwd', { fetchPicture: httpPictureFetcher(), log: (l) => logs.push(l) })).toBe(
      rules.texts.wechat.fetchFailed,
    );
    expect(logs[0]).toContain('not an http(s) address');
  });
});
