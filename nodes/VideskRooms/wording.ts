// How messages show values and durations, the same way in every error of both nodes.

/** Luxon's DateTime, as expressions give it ($now, DateTime.fromISO(…)). */
export function isDateTimeLike(value: unknown): value is { toISO(): string | null } {
	return typeof (value as { toISO?: unknown } | null)?.toISO === 'function';
}

/** A value as the user would recognise it in a message: text quoted, anything else as written. */
export function shown(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === undefined) return 'undefined';
	if (value instanceof Date) {
		return Number.isNaN(value.getTime()) ? 'an invalid date' : `the date ${value.toISOString()}`;
	}
	if (isDateTimeLike(value)) return `the date-time ${value.toISO()}`;
	return JSON.stringify(value) ?? String(value);
}

const plural = (count: number, unit: string) =>
	`${count.toLocaleString('en-US')} ${unit}${count === 1 ? '' : 's'}`;

/**
 * A duration as messages give it: "0.3 seconds", "72 hours 10 minutes", "1,157 days". Under a
 * minute, to the tenth of a second; longer, to the second, or to the minute (`toTheMinute`) when
 * it is counted from now (the clock moves while an item runs) or from a header's rounded figures.
 */
export function duration(ms: number, toTheMinute = false): string {
	if (ms >= 1000 * 3_600_000) return plural(Math.round(ms / 86_400_000), 'day');
	if (ms < 60_000 && !toTheMinute) {
		const tenths = Math.round(ms / 100) / 10;
		return tenths === 0 ? 'under 0.1 seconds' : plural(tenths, 'second');
	}
	const seconds = toTheMinute ? Math.round(ms / 60_000) * 60 : Math.round(ms / 1000);
	const parts = [
		[Math.floor(seconds / 3600), 'hour'],
		[Math.floor((seconds % 3600) / 60), 'minute'],
		[seconds % 60, 'second'],
	] as const;
	const said = parts.filter(([count]) => count > 0).map(([count, unit]) => plural(count, unit));
	return said.length > 0 ? said.join(' ') : 'under a minute';
}
