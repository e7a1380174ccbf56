import { createRequire } from 'node:module';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { ManifestUtil } from '@microsoft/app-manifest';
import { describe, expect, it } from 'vitest';
import { buildTeamsPackage, MANIFEST_VERSION, packageSettingsFromEnv, TeamsPackageError } from '../../../src/channels/teams/package/build';

const require = createRequire(import.meta.url);
// The official schema, shipped inside @microsoft/app-manifest: validated offline.
const schema = require(`@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`);
const BOT = '5f0e7d7a-1c2b-4a3e-9d8f-0a1b2c3d4e5f';

describe('the Teams app package', () => {
  it('holds a manifest valid against the official schema, with the bot id from the settings and both icons', async () => {
    const pkg = await buildTeamsPackage(packageSettingsFromEnv({ MicrosoftAppId: BOT, JIANLI_PUBLIC_URL: 'https://jianli.example.cn/' }, '0.1.0'));
    const files = unzipSync(pkg.zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(await ManifestUtil.validateManifestAgainstSchema(manifest, schema)).toEqual([]);
    expect(manifest.id).toBe(BOT);
    expect(manifest.bots[0].botId).toBe(BOT);
    expect(manifest.validDomains).toEqual(['jianli.example.cn']);
    expect(manifest.developer.websiteUrl).toBe('https://jianli.example.cn/');
    const color = await sharp(Buffer.from(files['color.png'])).metadata();
    expect([color.width, color.height, color.format]).toEqual([192, 192, 'png']);
    // The outline icon: 32×32, only white or transparent pixels.
    const outline = await sharp(Buffer.from(files['outline.png'])).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([outline.info.width, outline.info.height]).toEqual([32, 32]);
    let transparent = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = outline.data.subarray(i, i + 4);
      if (a === 0) transparent++;
      else expect(Math.min(r, g, b)).toBeGreaterThan(240);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.5);
  });

  it('is refused without a bot id or an https address, naming the setting', () => {
    expect(() => packageSettingsFromEnv({ JIANLI_PUBLIC_URL: 'https://a.cn' }, '1.0.0')).toThrow(/MicrosoftAppId/);
    expect(() => packageSettingsFromEnv({ MicrosoftAppId: 'bot', JIANLI_PUBLIC_URL: 'https://a.cn' }, '1.0.0')).toThrow(TeamsPackageError);
    expect(() => packageSettingsFromEnv({ MicrosoftAppId: BOT, JIANLI_PUBLIC_URL: 'http://a.cn' }, '1.0.0')).toThrow(/JIANLI_PUBLIC_URL.*https/);
    expect(() => packageSettingsFromEnv({ MicrosoftAppId: BOT }, '1.0.0')).toThrow(/JIANLI_PUBLIC_URL/);
  });

  it('is caught by the schema when broken (the validation can fail)', async () => {
    const pkg = await buildTeamsPackage(packageSettingsFromEnv({ MicrosoftAppId: BOT, JIANLI_PUBLIC_URL: 'https://a.cn' }, '0.1.0'));
    const broken = { ...pkg.manifest, accentColor: 'blue', name: { short: 'x'.repeat(31) } };
    expect((await ManifestUtil.validateManifestAgainstSchema(broken as never, schema)).length).toBeGreaterThan(0);
  });
});
