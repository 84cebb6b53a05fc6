/**
 * Time zones for time buckets. `Intl.DateTimeFormat` knows every IANA zone but is slow, so the
 * offset of a zone is computed once per 15-minute slot of UTC time and memoised: every offset
 * in use today is a multiple of 15 minutes, and zones change offset only on such a boundary.
 */

/** A time zone that time buckets are cut in. */
export interface Zone {
  /** The IANA name, or `UTC`. */
  readonly name: string;
  /** Offset of local time from UTC at the instant `ms`, in ms: local time = ms + offset. */
  offsetAt(ms: number): number;
}

/** Coordinated Universal Time, the default zone. */
export const UTC: Zone = Object.freeze({ name: 'UTC', offsetAt: () => 0 });

const SLOT = 15 * 60_000;
/** Memoised offsets kept per zone before the memo starts over. */
const OFFSET_CACHE_LIMIT = 100_000;
const zones = new Map<string, Zone>();

/** The IANA zone called `name` (`UTC` gives `UTC`), or undefined when the runtime does not know it. */
export function zoneNamed(name: string): Zone | undefined {
  if (name.toUpperCase() === 'UTC') return UTC;
  const known = zones.get(name);
  if (known) return known;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  } catch {
    return undefined;
  }
  const offsets = new Map<number, number>();
  const zone: Zone = {
    name,
    offsetAt(ms) {
      const slot = Math.floor(ms / SLOT);
      let offset = offsets.get(slot);
      if (offset === undefined) {
        if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
        offset = localTime(format, slot * SLOT) - slot * SLOT;
        offsets.set(slot, offset);
      }
      return offset;
    },
  };
  zones.set(name, zone);
  return zone;
}

/** The wall-clock time of an instant in the formatter's zone, as if it were UTC ms. */
function localTime(format: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(ms)) p[part.type] = part.value;
  const year = Number(p.year) * (p.era === 'BC' ? -1 : 1) + (p.era === 'BC' ? 1 : 0);
  const d = new Date(0);
  d.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  d.setUTCHours(Number(p.hour), Number(p.minute), 0, 0);
  return d.getTime();
}

/** The instant at which the zone's clock shows the wall-clock time `local` (as UTC ms). */
export function instantOf(zone: Zone, local: number): number {
  // The offset at `local - offset(local)` is right except within an hour of a change.
  return local - zone.offsetAt(local - zone.offsetAt(local));
}

/** `+02:00`, `-05:00`, `+05:45`. */
export function formatOffset(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}
