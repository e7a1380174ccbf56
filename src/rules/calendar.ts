/**
 * Chinese working days: the expected decision window of an application, counting statutory
 * holidays and make-up working days (data of the chinese-days package).
 */
import chineseDays from 'chinese-days';

/** YYYY-MM-DD of a date in China's time zone (UTC+8), which is where working days are counted. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The dates `min` and `max` working days after `now` (the day of submission not counted). */
export function decisionWindow(now: Date, min: number, max: number): { today: string; from: string; to: string } {
  const today = chinaDate(now);
  return { today, from: workdayAfter(min, today), to: workdayAfter(max, today) };
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
