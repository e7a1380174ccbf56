/**
 * The Teams app package a Teams admin uploads: manifest.json (schema 1.22) with the bot's id,
 * a 192×192 colour icon and a 32×32 white-on-transparent outline icon, zipped at the top level.
 *   npm run teams:package            (MicrosoftAppId and JIANLI_PUBLIC_URL from the environment / .env)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { zipSync } from 'fflate';

export const MANIFEST_VERSION = '1.22';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;

export interface PackageSettings {
  /** MicrosoftAppId: the bot's Entra app id (a GUID); also the Teams app id. */
  botId: string;
  /** JIANLI_PUBLIC_URL: where the assistant is served over https (developer, privacy and terms pages). */
  publicUrl: string;
  /** The package's own version (package.json's). */
  version: string;
}

export class TeamsPackageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeamsPackageError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Settings from the environment, or an error naming the setting. */
export function packageSettingsFromEnv(env: Record<string, string | undefined>, version: string): PackageSettings {
  const botId = env.MicrosoftAppId?.trim() ?? '';
  if (!GUID.test(botId)) throw new TeamsPackageError("MicrosoftAppId must be the bot's Microsoft app id (a GUID) to build the Teams package");
  const publicUrl = env.JIANLI_PUBLIC_URL?.trim().replace(/\/+$/, '') ?? '';
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new TeamsPackageError('JIANLI_PUBLIC_URL must be the https address the assistant is served at, e.g. https://jianli.example.cn');
  }
  if (url.protocol !== 'https:') throw new TeamsPackageError('JIANLI_PUBLIC_URL must start with https:// (Teams accepts only https pages)');
  return { botId, publicUrl, version };
}

export function teamsManifest(s: PackageSettings): Record<string, unknown> {
  const host = new URL(s.publicUrl).host;
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: s.version,
    id: s.botId,
    developer: {
      name: '监理注销助手',
      websiteUrl: `${s.publicUrl}/`,
      privacyUrl: `${s.publicUrl}/`,
      termsOfUseUrl: `${s.publicUrl}/`,
    },
    name: { short: '监理注销助手', full: '监理注销助手：注册监理工程师注销注册咨询' },
    description: {
      short: '注册监理工程师注销注册的流程、材料和条件问答。',
      full: '解答注册监理工程师办理注销注册的流程、材料、条件和常见问题，可以逐项自查能否申请注销，并注明每条回答的出处；各省不同或需要当地确认的地方会说明。面向工程师本人和热线坐席。',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#1F6FB2',
    bots: [{ botId: s.botId, scopes: ['personal', 'team', 'groupChat'], supportsFiles: false, isNotificationOnly: false }],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [host],
  };
}

/** A document with a tick: white on the accent colour (192×192), white on transparent (32×32). */
async function icons(): Promise<{ color: Buffer; outline: Buffer }> {
  const mark = (stroke: string, width: number) =>
    `<rect x="52" y="36" width="88" height="120" rx="10" fill="none" stroke="${stroke}" stroke-width="${width}"/><path d="M72 100 l20 20 l32 -40" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"/>`;
  const colorSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192"><rect width="192" height="192" rx="32" fill="#1F6FB2"/>${mark('#FFFFFF', 10)}</svg>`;
  const outlineSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="192" height="192" viewBox="0 0 192 192">${mark('#FFFFFF', 14)}</svg>`;
  const color = await sharp(Buffer.from(colorSvg)).resize(192, 192).png().toBuffer();
  const outline = await sharp(Buffer.from(outlineSvg)).resize(32, 32).png().toBuffer();
  return { color, outline };
}

/** Builds the package; returns the zip and its parts. */
export async function buildTeamsPackage(s: PackageSettings): Promise<{ zip: Uint8Array; manifest: Record<string, unknown>; color: Buffer; outline: Buffer }> {
  const manifest = teamsManifest(s);
  const { color, outline } = await icons();
  const zip = zipSync({ 'manifest.json': new TextEncoder().encode(JSON.stringify(manifest, null, 2)), 'color.png': color, 'outline.png': outline });
  return { zip, manifest, color, outline };
}

async function main(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..', '..', '..');
  try {
    process.loadEnvFile(join(root, '.env'));
  } catch {
    // No .env: the environment alone.
  }
  const { version } = (await import(join(root, 'package.json'), { with: { type: 'json' } })).default as { version: string };
  try {
    const settings = packageSettingsFromEnv(process.env, version);
    const out = join(root, 'dist', 'teams');
    mkdirSync(out, { recursive: true });
    const pkg = await buildTeamsPackage(settings);
    writeFileSync(join(out, 'jianli-teams-app.zip'), pkg.zip);
    writeFileSync(join(out, 'manifest.json'), JSON.stringify(pkg.manifest, null, 2));
    console.log(
      `Teams app package: ${join(out, 'jianli-teams-app.zip')} (bot ${settings.botId}); upload it in the Teams admin center or Teams > Apps > Manage your apps > Upload.`,
    );
  } catch (err) {
    if (err instanceof TeamsPackageError) {
      console.error(`teams:package: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) void main();
