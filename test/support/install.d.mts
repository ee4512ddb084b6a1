export const CACHE_DIR: string;
export function formatDuration(ms: number): string;
export function formatBytes(bytes: number): string;
export type Exec = (
	command: string,
	args: string[],
	options?: { cwd?: string; env?: Record<string, string | undefined> },
) => Promise<void>;
export function step<T>(
	label: string,
	work: (exec: Exec) => Promise<T>,
	options?: { logFile?: string; progress?: () => string },
): Promise<T>;
export function isInstalled(dir: string): boolean;
export function installOnce(
	dir: string,
	what: string,
	build: (tmpDir: string) => Promise<void>,
): Promise<void>;
export function withLock<T>(lockFile: string, what: string, fn: () => Promise<T>): Promise<T>;
