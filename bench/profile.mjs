// Where a contender's time goes, from a V8 CPU profile of the n8n process (`--cpu-prof`): the
// self time of the samples taken while the contender's node ran (its windows come from n8n's
// own startTime and executionTime), by package and by function, per item.

/** V8's profile clock is the monotonic clock (process.hrtime); n8n's startTime is epoch ms. */
function epochMsToProfileUs(epochMs) {
	const offsetUs = Date.now() * 1000 - Number(process.hrtime.bigint() / 1000n);
	return epochMs * 1000 - offsetUs;
}

function packageOf(url) {
	if (url === '') return '(V8/native)';
	if (url.startsWith('node:')) return 'node';
	const at = url.lastIndexOf('/node_modules/');
	if (at === -1) return url;
	const [first, second] = url.slice(at + '/node_modules/'.length).split('/');
	return first.startsWith('@') ? `${first}/${second}` : first;
}

/**
 * @param profile a parsed .cpuprofile
 * @param windows [{ start, end }] in epoch ms, when the contender's nodes ran
 * @param items how many items those runs processed in all
 */
export function summarizeProfile(profile, windows, items) {
	const ranges = windows.map(({ start, end }) => [
		epochMsToProfileUs(start),
		epochMsToProfileUs(end),
	]);
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const byFunction = new Map();
	const byPackage = new Map();
	let time = profile.startTime;
	let totalUs = 0;
	profile.samples.forEach((id, index) => {
		const delta = profile.timeDeltas[index];
		time += delta;
		if (!ranges.some(([start, end]) => time >= start && time <= end)) return;
		const { functionName, url, lineNumber } = nodes.get(id).callFrame;
		if (functionName === '(idle)') return;
		const pkg = packageOf(url);
		const fn = `${functionName || '(anonymous)'} ${url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''}`;
		const key = `${pkg} ${fn}`;
		const entry = byFunction.get(key) ?? { package: pkg, function: fn.trim(), us: 0 };
		entry.us += delta;
		byFunction.set(key, entry);
		byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + delta);
		totalUs += delta;
	});
	const perItem = (us) => Number((us / 1000 / items).toFixed(3));
	return {
		totalMsPerItem: perItem(totalUs),
		byPackage: [...byPackage]
			.sort((a, b) => b[1] - a[1])
			.map(([name, us]) => ({
				package: name,
				'ms/item': perItem(us),
				share: `${Math.round((100 * us) / totalUs)} %`,
			})),
		byFunction: [...byFunction.values()]
			.sort((a, b) => b.us - a.us)
			.slice(0, 40)
			.map((entry) => ({
				function: entry.function,
				package: entry.package,
				'ms/item': perItem(entry.us),
				share: `${Math.round((100 * entry.us) / totalUs)} %`,
			})),
	};
}
