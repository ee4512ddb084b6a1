import { isDateTimeLike } from '../wording';

/**
 * n8n's date-time picker gives wall-clock values without an offset ("2026-05-01T09:30:00"),
 * meant in the workflow's timezone; expressions may give ISO strings with an offset, Dates or
 * Luxon DateTimes. Videsk wants UTC ISO 8601. Community nodes cannot import a date library at
 * run time (no runtime dependencies), so text is parsed here, strictly (RFC 3339's ranges: no
 * 2027-02-30, month 13 or hour 25 rolling over into another date), and the offset of a timezone
 * at an instant is read from Intl.
 */
const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** An instant, or why the value is not one (`reason` when more can be said than "not a date-time"). */
export type ParsedDate = { utcMs: number } | { invalid: true; reason?: string };
const NOT_A_DATE_TIME: ParsedDate = { invalid: true };

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset of `timeZone` at an instant, in ms ("GMT+05:30" → 19,800,000). */
function offsetMsAt(utcMs: number, timeZone: string): number {
	let formatter = offsetFormatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			timeZoneName: 'longOffset',
		} as Intl.DateTimeFormatOptions);
		offsetFormatters.set(timeZone, formatter);
	}
	const name = formatter.formatToParts(utcMs).find((part) => part.type === 'timeZoneName')!.value;
	const [, sign, hours, minutes = '0', seconds = '0'] =
		/^GMT(?:([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?)?$/.exec(name) ?? [];
	if (sign === undefined) return 0; // "GMT"
	const ms = ((+hours * 60 + +minutes) * 60 + +seconds) * 1000;
	return sign === '-' ? -ms : ms;
}

/**
 * The instant a wall-clock time means in `timeZone`. Where clocks jump forward (a DST gap), the
 * wall time does not exist: it is read with the offset in force before the jump, so 02:30 in a
 * 02:00→03:00 gap is 03:30 (as iCalendar, JavaScript and Temporal's "compatible" do). Where clocks
 * go back (an overlap), the wall time happens twice: the earlier instant is taken.
 */
export function wallClockToUtcMs(wallMs: number, timeZone: string): number {
	const offsetBefore = offsetMsAt(wallMs - DAY_MS, timeZone);
	const offsets = [
		offsetBefore,
		offsetMsAt(wallMs, timeZone),
		offsetMsAt(wallMs + DAY_MS, timeZone),
	];
	const candidates = offsets
		.map((offset) => wallMs - offset)
		.filter((utcMs) => offsetMsAt(utcMs, timeZone) === wallMs - utcMs);
	return candidates.length > 0 ? Math.min(...candidates) : wallMs - offsetBefore;
}

/** Date.UTC, without its mapping of years 0–99 to 1900–1999 (the fields are already checked). */
function utcMs(year: number, month: number, day: number, h: number, m: number, s: number) {
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, day);
	date.setUTCHours(h, m, s, 0);
	return date.getTime();
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
	const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
	return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

function calendarProblem(fields: Record<string, number>): string | undefined {
	const { year, month, day, hour, minute, second } = fields;
	if (month < 1 || month > 12) return `there is no month ${month}`;
	if (day < 1 || day > daysInMonth(year, month)) {
		return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')} has no day ${day}`;
	}
	if (hour > 23) return `there is no hour ${hour} (00 to 23)`;
	if (minute > 59) return `there is no minute ${minute}`;
	if (second > 59) return `there is no second ${second}`;
	return undefined;
}

/** An ISO 8601 / RFC 3339 text: with an offset, an instant; without one, a wall time in `timeZone`. */
function parseText(text: string, timeZone: string): ParsedDate {
	const match = ISO_DATE_TIME.exec(text);
	if (!match) return NOT_A_DATE_TIME;
	const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
	const fields = {
		year: +year,
		month: +month,
		day: +day,
		hour: +hour,
		minute: +minute,
		second: +second,
	};
	const reason = calendarProblem(fields);
	if (reason) return { invalid: true, reason };
	const wallMs =
		utcMs(fields.year, fields.month, fields.day, fields.hour, fields.minute, fields.second) +
		Number(fraction.slice(0, 3).padEnd(3, '0'));
	if (offset === undefined) return { utcMs: wallClockToUtcMs(wallMs, timeZone) };
	if (/^[Zz]$/.test(offset)) return { utcMs: wallMs };
	const [, sign, offsetHours, offsetMinutes = '00'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
	if (+offsetHours > 23 || +offsetMinutes > 59) {
		return { invalid: true, reason: `there is no UTC offset ${offset} (at most ±23:59)` };
	}
	const offsetMs = (+offsetHours * 60 + +offsetMinutes) * MINUTE_MS;
	return { utcMs: sign === '-' ? wallMs + offsetMs : wallMs - offsetMs };
}

/** Reads a date-time field's value: text, a Date or a Luxon DateTime (from an expression). */
export function parseDateTime(value: unknown, timeZone: string): ParsedDate {
	let parsed = NOT_A_DATE_TIME;
	if (value instanceof Date) {
		parsed = { utcMs: value.getTime() };
	} else if (isDateTimeLike(value)) {
		const iso = value.toISO();
		if (iso !== null) parsed = parseText(iso, timeZone);
	} else if (typeof value === 'string') {
		parsed = parseText(value.trim(), timeZone);
	}
	return 'utcMs' in parsed && Number.isNaN(parsed.utcMs) ? NOT_A_DATE_TIME : parsed;
}

const twoDigits = (value: number) => String(value).padStart(2, '0');

/**
 * An instant as a wall time in `timeZone`, with its offset: "2026-12-08T10:00:00-05:00" (its
 * milliseconds too, when it has any).
 */
export function inTimeZone(utcMs: number, timeZone: string): string {
	const offsetMs = offsetMsAt(utcMs, timeZone);
	const wall = new Date(utcMs + offsetMs);
	const offsetMinutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
	const offset = `${offsetMs < 0 ? '-' : '+'}${twoDigits(Math.floor(offsetMinutes / 60))}:${twoDigits(offsetMinutes % 60)}`;
	const date = `${String(wall.getUTCFullYear()).padStart(4, '0')}-${twoDigits(wall.getUTCMonth() + 1)}-${twoDigits(wall.getUTCDate())}`;
	const ms = wall.getUTCMilliseconds();
	const time = `${twoDigits(wall.getUTCHours())}:${twoDigits(wall.getUTCMinutes())}:${twoDigits(wall.getUTCSeconds())}${ms > 0 ? `.${String(ms).padStart(3, '0')}` : ''}`;
	return `${date}T${time}${offset}`;
}
