/**
 * n8n's date-time picker gives wall-clock values without an offset ("2026-05-01T09:30:00"),
 * meant in the workflow's timezone; expressions may give ISO strings with an offset or Luxon
 * DateTimes. Videsk wants UTC ISO 8601. n8n-workflow exposes no date library to community
 * nodes, so the offset of a timezone is read from Intl.
 */
const EXPLICIT_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const WALL_CLOCK =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function offsetMsAt(utcMs: number, timeZone: string): number {
	let formatter = formatters.get(timeZone);
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
		});
		formatters.set(timeZone, formatter);
	}
	const part = (type: string) =>
		Number(formatter!.formatToParts(utcMs).find((p) => p.type === type)?.value);
	const wallAsUtc = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return wallAsUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
}

function wallClockToUtcMs(match: RegExpExecArray, timeZone: string): number {
	const [, year, month, day, hour = '0', minute = '0', second = '0', millis = '0'] = match;
	const wallMs = Date.UTC(+year, +month - 1, +day, +hour, +minute, +second, +millis.padEnd(3, '0'));
	const firstGuess = wallMs - offsetMsAt(wallMs, timeZone);
	return wallMs - offsetMsAt(firstGuess, timeZone);
}

/** Returns the instant as UTC ISO 8601, or undefined when the value is not a date-time. */
export function toUtcIso(value: unknown, timeZone: string): string | undefined {
	let utcMs = Number.NaN;
	if (value instanceof Date) {
		utcMs = value.getTime();
	} else if (typeof (value as { toISO?: unknown })?.toISO === 'function') {
		utcMs = Date.parse((value as { toISO: () => string }).toISO());
	} else if (typeof value === 'string') {
		const text = value.trim();
		const wallClock = WALL_CLOCK.exec(text);
		if (wallClock && !EXPLICIT_OFFSET.test(text.slice(10))) {
			utcMs = wallClockToUtcMs(wallClock, timeZone);
		} else if (/^\d{4}-\d{2}-\d{2}T/.test(text) && EXPLICIT_OFFSET.test(text)) {
			utcMs = Date.parse(text);
		}
	}
	return Number.isNaN(utcMs) ? undefined : new Date(utcMs).toISOString();
}
