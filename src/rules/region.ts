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
  if (name.endsWith('自治州')) return name.replace(/(.{2,}?)(蒙古族|藏族|回族|朝鲜族|哈尼族|彝族|苗族|土家族|布依族|侗族|壮族|傣族|景颇族|傈僳族|白族|羌族|哈萨克|柯尔克孜|蒙古|藏|回|彝).*自治州$/, '$1');
  return name.replace(/(市|地区|盟)$/, '');
}

export class RegionIndex {
  /** lower-cased name → province */
  private readonly names = new Map<string, string>();
  /** Names longest first, for finding a place inside a sentence. */
  private readonly byLength: string[];

  constructor(regions: Iterable<RegionFile>) {
    for (const r of regions) {
      for (const n of [r.province, ...r.aliases]) this.names.set(n.toLowerCase(), r.province);
      for (const city of Object.values(areas[r.code] ?? {})) {
        if (city === '市辖区' || city.includes('直辖')) continue;
        for (const n of new Set([city, shortCity(city)])) if (n.length >= 2 && !this.names.has(n)) this.names.set(n, r.province);
      }
    }
    this.byLength = [...this.names.keys()].sort((a, b) => b.length - a.length);
  }

  /** The province for a whole input such as 江苏 / 江苏省 / jiangsu / 南京, or undefined. */
  resolve(input: string): string | undefined {
    return this.names.get(input.trim().toLowerCase());
  }

  /** The first province or city named inside a sentence (我在南京工作 → 江苏). */
  find(text: string): string | undefined {
    const lower = text.toLowerCase();
    // A name can only occur if its first character does: a set lookup instead of a substring search for most of the ~700 names.
    const chars = new Set(lower);
    const hit = this.byLength.find((n) => chars.has(n[0]) && lower.includes(n) && (/[a-z]/.test(n) ? new RegExp(`\\b${n}\\b`).test(lower) : true));
    return hit ? this.names.get(hit) : undefined;
  }
}
