const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The 0-based month of an English three-letter month name (`Sep` → 8), or -1. */
export function monthIndex(name: string): number {
  return MONTHS.indexOf(name);
}
