// Start and Expires At are parsed strictly: generated instants with offsets, wall times in
// generated IANA timezones (DST gaps and overlaps included) and impossible calendar values.
// The oracles here are independent of fields/dates.ts: instants are built from their parts,
// and a wall time's instants are found by brute force with Intl's calendar formatting (dates.ts
// reads offsets through Intl's `longOffset` instead). Luxon is not used: community nodes cannot
// load it, and with the same Intl underneath it would not be an independent reference.
import { createRequire } from 'node:module';
import { describe, expect } from 'vitest';
import { fc, numRuns, test, timeZone } from '../support/properties.mjs';

type ParsedDate = { utcMs: number } | { invalid: true; reason?: string };
const { parseDateTime } = createRequire(import.meta.url)(
	'../../dist/nodes/VideskRooms/fields/dates.js',
) as { parseDateTime: (value: unknown, timeZone: string) => ParsedDate };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const pad = (value: number, length = 2) => String(value).padStart(length, '0');

const calendars = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock fields of an instant in a timezone, by Intl's calendar formatting. */
function wallOf(utcMs: number, zone: string) {
	let calendar = calendars.get(zone);
	if (!calendar) {
		calendar = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		calendars.set(zone, calendar);
	}
	const parts = Object.fromEntries(
		calendar.formatToParts(utcMs).map((part) => [part.type, Number(part.value)]),
	);
	const asUtc = Date.UTC(
		parts.year,
		parts.month - 1,
		parts.day,
		parts.hour,
		parts.minute,
		parts.second,
	);
	const text = `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}T${pad(parts.hour)}:${pad(parts.minute)}:${pad(parts.second)}`;
	return { asUtc, text };
}

/** The offset of a zone at an instant, from its wall-clock fields (whole seconds). */
function offsetAt(utcMs: number, zone: string) {
	const whole = utcMs - (((utcMs % 1000) + 1000) % 1000);
	return wallOf(whole, zone).asUtc - whole;
}

/** Every instant whose wall time in `zone` is `wallMs` (read as UTC): 0, 1 or 2 of them. */
function instantsOfWall(wallMs: number, zone: string): number[] {
	const offsets = new Set<number>();
	for (let t = wallMs - 2 * DAY; t <= wallMs + 2 * DAY; t += HOUR) offsets.add(offsetAt(t, zone));
	return [...offsets]
		.map((offset) => wallMs - offset)
		.filter((utcMs) => wallOf(utcMs, zone).asUtc === wallMs)
		.sort((a, b) => a - b);
}

function utcMsOf(parsed: ParsedDate) {
	return 'utcMs' in parsed ? parsed.utcMs : parsed;
}

describe('instants with an offset keep their instant, in any timezone', () => {
	const offsetText = fc
		.record({
			minutes: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
			form: fc.constantFrom('colon', 'compact', 'hours'),
		})
		.map(({ minutes, form }) => {
			const minutesOf = form === 'hours' ? minutes - (minutes % 60) : minutes;
			const sign = minutesOf < 0 ? '-' : '+';
			const [h, m] = [Math.floor(Math.abs(minutesOf) / 60), Math.abs(minutesOf) % 60];
			if (minutesOf === 0 && form === 'hours') return { minutes: 0, text: 'Z' };
			const text =
				form === 'colon'
					? `${sign}${pad(h)}:${pad(m)}`
					: form === 'compact'
						? `${sign}${pad(h)}${pad(m)}`
						: `${sign}${pad(h)}`;
			return { minutes: minutesOf, text };
		});

	test.prop(
		[
			fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9998, 11, 31) }),
			offsetText,
			fc.constantFrom('T', 't', ' '),
			fc.constantFrom('', '.5', '.250', '.123456789', ',75'),
			timeZone,
		],
		{ numRuns: numRuns(1000) },
	)(
		'parsed to the same instant (to the millisecond)',
		(utcMs, offset, separator, fraction, zone) => {
			const whole = utcMs - (utcMs % 1000);
			const wall = new Date(whole + offset.minutes * MINUTE).toISOString().slice(0, 19);
			const text = `${wall.slice(0, 10)}${separator}${wall.slice(11)}${fraction}${offset.text}`;
			const millis = Number(fraction.slice(1, 4).padEnd(3, '0')) || 0;
			expect(utcMsOf(parseDateTime(text, zone))).toBe(whole + millis);
		},
	);
});

describe('wall times are read in the workflow’s timezone', () => {
	test.prop([fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), timeZone], {
		numRuns: numRuns(500),
	})(
		'a wall time that exists is its instant; one that happens twice, the earlier',
		(utcMs, zone) => {
			const { asUtc, text } = wallOf(utcMs, zone);
			const instants = instantsOfWall(asUtc, zone);
			expect(instants).toContain(utcMs - (((utcMs % 1000) + 1000) % 1000));
			expect(utcMsOf(parseDateTime(text, zone))).toBe(instants[0]);
		},
	);

	// Zones with gaps and overlaps of every kind: 1 h, 30 min (Lord Howe), 2 h (Troll), a skipped
	// day (Apia, 2011), DST during Ramadan (Casablanca), "negative" DST (Dublin), 45-minute offsets.
	const ZONES = [
		'Europe/Madrid',
		'America/New_York',
		'America/Santiago',
		'America/Sao_Paulo',
		'Australia/Lord_Howe',
		'Antarctica/Troll',
		'Pacific/Apia',
		'Africa/Casablanca',
		'Europe/Dublin',
		'Pacific/Chatham',
		'Asia/Tehran',
		'America/St_Johns',
		'Europe/Moscow',
	];

	/** Each change of a zone's offset between 1990 and 2030: its instant, and offsets around it. */
	function transitions(zone: string) {
		const found: Array<{ zone: string; at: number; before: number; after: number }> = [];
		let previous = offsetAt(Date.UTC(1990, 0, 1), zone);
		for (let t = Date.UTC(1990, 0, 1) + 7 * DAY; t < Date.UTC(2030, 0, 1); t += 7 * DAY) {
			const offset = offsetAt(t, zone);
			if (offset === previous) continue;
			let [low, high] = [t - 7 * DAY, t];
			while (high - low > MINUTE) {
				const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
				if (offsetAt(middle, zone) === previous) low = middle;
				else high = middle;
			}
			found.push({ zone, at: high, before: previous, after: offset });
			previous = offset;
		}
		return found;
	}
	const changes = ZONES.flatMap(transitions);
	const gaps = changes.filter((change) => change.after > change.before);
	const overlaps = changes.filter((change) => change.after < change.before);

	test('the zones have gaps and overlaps to test', () => {
		expect(gaps.length).toBeGreaterThan(100);
		expect(overlaps.length).toBeGreaterThan(100);
		expect(gaps.some((gap) => gap.after - gap.before === DAY)).toBe(true); // Apia, 2011
	});

	test.prop([fc.nat(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })], {
		numRuns: numRuns(500),
	})(
		'in a gap (the wall time never happens), it means the instant one gap later: 02:30 → 03:30',
		(index, position) => {
			const { zone, at, before, after } = gaps[index % gaps.length];
			const wallMs = at + before + Math.floor((position * (after - before)) / MINUTE) * MINUTE;
			const text = new Date(wallMs).toISOString().slice(0, 19);
			expect(instantsOfWall(wallMs, zone)).toEqual([]);
			const utcMs = wallMs - before;
			expect(utcMsOf(parseDateTime(text, zone))).toBe(utcMs);
			expect(wallOf(utcMs, zone).asUtc).toBe(wallMs + (after - before));
		},
	);

	test.prop([fc.nat(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })], {
		numRuns: numRuns(500),
	})('in an overlap (the wall time happens twice), it means the first time', (index, position) => {
		const { zone, at, before, after } = overlaps[index % overlaps.length];
		const wallMs = at + after + Math.floor((position * (before - after)) / MINUTE) * MINUTE;
		const text = new Date(wallMs).toISOString().slice(0, 19);
		expect(instantsOfWall(wallMs, zone)).toEqual([wallMs - before, wallMs - after]);
		expect(utcMsOf(parseDateTime(text, zone))).toBe(wallMs - before);
	});
});

describe('impossible calendar values are refused, saying which part', () => {
	const daysIn = (year: number, month: number) =>
		// The Gregorian calendar repeats every 400 years; 2000 + year % 400 avoids Date's 0–99 rule.
		new Date(Date.UTC(2000 + (year % 400), month, 0)).getUTCDate();

	test.prop(
		[
			fc.record({
				year: fc.integer({ min: 0, max: 9999 }),
				month: fc.integer({ min: 0, max: 14 }),
				day: fc.integer({ min: 0, max: 33 }),
				hour: fc.integer({ min: 0, max: 26 }),
				minute: fc.integer({ min: 0, max: 62 }),
				second: fc.integer({ min: 0, max: 62 }),
			}),
			fc.constantFrom('Z', '', '+05:30'),
			timeZone,
		],
		{ numRuns: numRuns(1500) },
	)('valid exactly when every part exists', (parts, offset, zone) => {
		const { year, month, day, hour, minute, second } = parts;
		const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${offset}`;
		const exists =
			month >= 1 &&
			month <= 12 &&
			day >= 1 &&
			day <= daysIn(year, month) &&
			hour <= 23 &&
			minute <= 59 &&
			second <= 59;
		const parsed = parseDateTime(text, zone);
		if (!exists) {
			expect(parsed).toEqual({
				invalid: true,
				reason: expect.stringMatching(/^there is no|has no day/),
			});
			return;
		}
		expect(parsed).toHaveProperty('utcMs');
		if (offset === 'Z') {
			const date = new Date(0);
			date.setUTCFullYear(year, month - 1, day);
			date.setUTCHours(hour, minute, second, 0);
			expect(utcMsOf(parsed)).toBe(date.getTime());
		}
	});

	test.each([
		['2027-02-30T10:00:00', '2027-02 has no day 30'],
		['2027-02-29T10:00:00Z', '2027-02 has no day 29'],
		['2027-13-01T10:00:00', 'there is no month 13'],
		['2027-01-01T25:00:00', 'there is no hour 25 (00 to 23)'],
		['2027-01-01T24:00:00Z', 'there is no hour 24 (00 to 23)'],
		['2027-01-01T10:60:00', 'there is no minute 60'],
		['2027-01-01T10:00:60Z', 'there is no second 60'],
		['2027-01-01T10:00:00+24:00', 'there is no UTC offset +24:00 (at most ±23:59)'],
	])('%s: %s', (text, reason) => {
		expect(parseDateTime(text, 'Europe/Madrid')).toEqual({ invalid: true, reason });
	});

	test('a leap day exists in leap years only, 2000 and 2400 included, 2100 not', () => {
		for (const [text, valid] of [
			['2028-02-29', true],
			['2000-02-29', true],
			['2400-02-29T00:00:00Z', true],
			['2100-02-29T00:00:00Z', false],
		] as const) {
			expect('utcMs' in parseDateTime(text, 'UTC')).toBe(valid);
		}
	});

	// Found by the properties above (shrunk counterexamples): the length of February was computed
	// in the year 2000 (a leap year) and then moved to the real year, so it rolled into March.
	test.each(['0001-02-02T00:00:00Z', '2001-02-17T00:00:00Z'])(
		'found by a property: %s is a real date',
		(text) => {
			expect(parseDateTime(text, 'Africa/Abidjan')).toEqual({ utcMs: Date.parse(text) });
		},
	);

	test('years 0000–0099 stay those years (Date.UTC would make them 1900–1999)', () => {
		expect(utcMsOf(parseDateTime('0050-06-01T00:00:00Z', 'UTC'))).toBe(
			new Date('0050-06-01T00:00:00Z').getTime(),
		);
	});
});
