/**
 * Chinese working days: the expected decision window of an application, counting statutory
 * holidays and make-up working days (data of the chinese-days package).
 *
 * The State Council publishes each year's holidays late in the year before, and chinese-days holds
 * only the years published when it was released. In a later year it counts every weekday as a
 * working day, New Year's Day and the Spring Festival included; a window that reaches such a year
 * carries a `note` saying its holidays are not counted, instead of silently being too early.
 */
import chineseDays from 'chinese-days';

/** YYYY-MM-DD of a date in China's time zone (UTC+8), which is where working days are counted. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface DecisionWindow {
  today: string;
  from: string;
  to: string;
  /** Years the window reaches whose statutory holidays the calendar does not have (none: empty). */
  uncoveredYears: number[];
  /** For the reader when `uncoveredYears` is not empty, e.g. 未计入2027年法定节假日，请以通知为准。 */
  note?: string;
}

/** The dates `min` and `max` working days after `now` (the day of submission not counted). */
export function decisionWindow(now: Date, min: number, max: number): DecisionWindow {
  const today = chinaDate(now);
  const to = workdayAfter(max, today);
  const uncoveredYears: number[] = [];
  for (let y = Number(today.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!holidaysKnown(y)) uncoveredYears.push(y);
  return { today, from: workdayAfter(min, today), to, uncoveredYears, ...(uncoveredYears.length ? { note: uncoveredNote(uncoveredYears) } : {}) };
}

/** The note for a window reaching years without holiday data. */
export function uncoveredNote(years: number[]): string {
  return `未计入${years.join('、')}年法定节假日，请以通知为准。`;
}

/** Whether the calendar has a year's statutory holidays: every year has some (元旦 at least), so none means no data. */
const known = new Map<number, boolean>();
export function holidaysKnown(year: number): boolean {
  let k = known.get(year);
  if (k === undefined) known.set(year, (k = chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0));
  return k;
}

/** chinese-days walks the calendar day by day; the answer depends only on the date, so it is kept per day. */
const workdays = new Map<string, string>();
function workdayAfter(days: number, today: string): string {
  const key = `${today}+${days}`;
  let day = workdays.get(key);
  if (day === undefined) {
    if (workdays.size > 1000) workdays.clear();
    workdays.set(key, (day = chineseDays.findWorkday(days, today)));
  }
  return day;
}
