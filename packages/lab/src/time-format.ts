const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function clock(date: Date): string {
  return `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

/** `Sep 20 04:10:47` (day padded with a space), as syslog writes the messages log, in UTC. */
export function syslogTime(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${clock(date)}`;
}

/** `Mon Jun 15 09:02:08 2020 UTC`, as sftunnel_status.pl prints times. */
export function statusTime(date: Date): string {
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${clock(date)} ${date.getUTCFullYear()} UTC`;
}

/** `Oct  9 10:12:50 2034 GMT`, as `openssl x509 -enddate` prints times. */
export function opensslTime(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${clock(date)} ${date.getUTCFullYear()} GMT`;
}

/** `Oct 9 10:12:50 2034 GMT` (day not padded), as generate_certs.pl prints the CA's expiry. */
export function generateCertsTime(date: Date): string {
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${clock(date)} ${date.getUTCFullYear()} GMT`;
}

/** `2024-11-12 14:07:36`, as the renewal log writes times. */
export function logTime(date: Date): string {
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${clock(date)}`;
}

/** `date`'s `+FORMAT`, for the conversions scripts use; UTC. */
export function strftime(format: string, date: Date): string {
  return format.replace(/%([a-zA-Z%])/g, (all, spec: string) => {
    switch (spec) {
      case 's':
        return String(Math.floor(date.getTime() / 1000));
      case 'Y':
        return String(date.getUTCFullYear());
      case 'm':
        return two(date.getUTCMonth() + 1);
      case 'd':
        return two(date.getUTCDate());
      case 'e':
        return String(date.getUTCDate()).padStart(2, ' ');
      case 'H':
        return two(date.getUTCHours());
      case 'M':
        return two(date.getUTCMinutes());
      case 'S':
        return two(date.getUTCSeconds());
      case 'b':
        return MONTHS[date.getUTCMonth()] ?? '';
      case 'a':
        return DAYS[date.getUTCDay()] ?? '';
      case 'Z':
        return 'UTC';
      case 'z':
        return '+0000';
      case 'F':
        return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}`;
      case 'T':
        return clock(date);
      case '%':
        return '%';
      default:
        return all;
    }
  });
}
