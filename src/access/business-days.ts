/**
 * Business days in the French (metropolitan) calendar, for deadlines such as "answered within
 * 3 business days". Days are counted in Paris, whatever the server's own time zone.
 */
import { createRequire } from 'node:module'

// The package is CommonJS without type definitions: loaded through require and typed here.
const joursFeries = createRequire(import.meta.url)('@socialgouv/jours-feries') as (
  year: number,
) => Record<string, Date>

const DAY = 86_400_000
const PARIS = 'Europe/Paris'

interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function wallClock(instant: Date, timeZone: string): WallClock {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  const parts = formatter.formatToParts(instant)
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value)
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
  }
}

/** The wall clock read as if it were UTC: plain calendar arithmetic, free of DST. */
function asUtc(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second)
}

/** The milliseconds the formatter leaves out (zone offsets are whole seconds). */
function milliseconds(instant: number): number {
  return ((instant % 1000) + 1000) % 1000
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function offsetAt(instant: number, timeZone: string): number {
  return asUtc(wallClock(new Date(instant), timeZone)) - (instant - milliseconds(instant))
}

/** Per year, the holidays as day numbers (days since 1970-01-01). */
const holidaysByYear = new Map<number, Set<number>>()
/** Whether a calendar day (given as UTC midnight) is a public holiday. */
function isHoliday(day: Date): boolean {
  const year = day.getUTCFullYear()
  let holidays = holidaysByYear.get(year)
  if (!holidays) {
    // The library returns local midnights built with 24 h steps, which a DST change can shift
    // by an hour either way: noon is safely on the intended day whatever the process time zone.
    holidays = new Set(
      Object.values(joursFeries(year)).map((date) => {
        const noon = new Date(date.getTime() + DAY / 2)
        return Date.UTC(noon.getFullYear(), noon.getMonth(), noon.getDate()) / DAY
      }),
    )
    holidaysByYear.set(year, holidays)
  }
  return holidays.has(day.getTime() / DAY)
}

function isWorkingDay(day: Date): boolean {
  const weekday = day.getUTCDay()
  return weekday !== 0 && weekday !== 6 && !isHoliday(day)
}

export function isBusinessDay(date: Date, timeZone = PARIS): boolean {
  const clock = wallClock(date, timeZone)
  return isWorkingDay(new Date(Date.UTC(clock.year, clock.month - 1, clock.day)))
}

/** The moment `count` business days after `from`: weekends and French public holidays (metropolitan calendar) skipped. */
export function addBusinessDays(from: Date, count: number, timeZone = PARIS): Date {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`Invalid business day count: ${count}`)
  const clock = wallClock(from, timeZone)
  const start = Date.UTC(clock.year, clock.month - 1, clock.day)
  let day = start
  for (let remaining = count; remaining > 0; ) {
    day += DAY
    if (isWorkingDay(new Date(day))) remaining--
  }
  // Same wall-clock time on the due day, then back to an instant: guess with the offset at the
  // start, correct with the offset at the guess, which differs when a DST change lies in between.
  const target = day + (asUtc(clock) - start) + milliseconds(from.getTime())
  const guess = target - offsetAt(from.getTime(), timeZone)
  return new Date(target - offsetAt(guess, timeZone))
}
