/**
 * Resolves a province or city name to the province of knowledge/regions (南京 → 江苏, jiangsu → 江苏).
 * City names come from the GB/T 2260 data of the china-area-data package, keyed by province code.
 */
import { createRequire } from 'node:module';
import type { RegionFile } from '../schema/rules';

type AreaData = Record<string, Record<string, string>>;
const areas = createRequire(import.meta.url)('china-area-data/data.json') as AreaData;

/** Short form of a city name: 南京市 → 南京, 延边朝鲜族自治州 → 延边, 阿克苏地区 → 阿克苏. */
function shortCity(name: string): string {
  if (name.endsWith('自治州'))
    return name.replace(
      /(.{2,}?)(蒙古族|藏族|回族|朝鲜族|哈尼族|彝族|苗族|土家族|布依族|侗族|壮族|傣族|景颇族|傈僳族|白族|羌族|哈萨克|柯尔克孜|蒙古|藏|回|彝).*自治州$/,
      '$1',
    );
  return name.replace(/(市|地区|盟)$/, '');
}

export class RegionIndex {
  /** lower-cased name → province */
  private readonly names = new Map<string, string>();
  /**
   * Names by their first character, each list longest first, with each name's rank in the whole
   * longest-first order: a sentence is searched only for the names its characters can start.
   */
  private readonly byFirstChar = new Map<string, { name: string; rank: number }[]>();

  constructor(regions: Iterable<RegionFile>) {
    for (const r of regions) {
      for (const n of [r.province, ...r.aliases]) this.names.set(n.toLowerCase(), r.province);
      for (const city of Object.values(areas[r.code] ?? {})) {
        if (city === '市辖区' || city.includes('直辖')) continue;
        for (const n of new Set([city, shortCity(city)])) if (n.length >= 2 && !this.names.has(n)) this.names.set(n, r.province);
      }
    }
    const byLength = [...this.names.keys()].sort((a, b) => b.length - a.length);
    byLength.forEach((name, rank) => {
      const first = name[0];
      const list = this.byFirstChar.get(first);
      if (list) list.push({ name, rank });
      else this.byFirstChar.set(first, [{ name, rank }]);
    });
  }

  /**
   * The text without any Chinese province or city name (广东注销要多久 → 注销要多久). The NLU reads
   * messages this way: a place says nothing about which question is asked, while the training
   * phrases mention places mostly in out-of-scope questions (上海明天天气), which made any place
   * name pull a domain question to the fallback.
   */
  withoutPlaces(text: string, replacement = ''): string {
    let out = '';
    for (let i = 0; i < text.length;) {
      const name = (this.byFirstChar.get(text[i]) ?? []).find((n) => !/[a-z]/.test(n.name) && text.startsWith(n.name, i))?.name;
      if (name) {
        i += name.length;
        out += replacement;
      } else out += text[i++];
    }
    return out;
  }

  /** The province for a whole input such as 江苏 / 江苏省 / jiangsu / 南京, or undefined. */
  resolve(input: string): string | undefined {
    return this.names.get(input.trim().toLowerCase());
  }

  /** The first province or city named inside a sentence (我在南京工作 → 江苏). */
  find(text: string): string | undefined {
    const lower = text.toLowerCase();
    // The longest name that occurs wins (南京市 over 南京); among equally long ones, the first in the data.
    let best: { name: string; rank: number } | undefined;
    for (const c of new Set(lower)) {
      for (const n of this.byFirstChar.get(c) ?? []) {
        if (best && n.rank > best.rank) break;
        if (lower.includes(n.name) && (/[a-z]/.test(n.name) ? new RegExp(`\\b${n.name}\\b`).test(lower) : true)) {
          best = n;
          break;
        }
      }
    }
    return best ? this.names.get(best.name) : undefined;
  }
}
