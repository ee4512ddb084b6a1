export type RequirementName = 'chromium' | 'postgres' | 'redis' | 'buildTools';

export const END_TO_END_NEEDS: RequirementName[];

export interface Installer {
	/** How Debian's packages can be installed here. */
	as?: 'root' | 'sudo';
	/** Why they cannot, otherwise. */
	reason?: string;
}

export type Found = { state: 'ready' | 'npm' | 'absent' } | { state: 'invalid'; invalid: string };

export const REQUIREMENTS: Record<
	RequirementName,
	{ title: string; override?: string; debian: string[]; elsewhere: string }
>;

export function systemInstaller(probe?: {
	platform?: NodeJS.Platform;
	env?: Record<string, string | undefined>;
	hasAptGet?: boolean;
	isRoot?: boolean;
	sudoWithoutPassword?: () => boolean;
}): Installer;

export function plan(
	found: Partial<Record<RequirementName, Found>>,
	installer: Installer,
): {
	npm: RequirementName[];
	debian: string[];
	missing: Array<{ name: RequirementName; invalid?: string }>;
};

export function missingMessage(
	missing: Array<{ name: RequirementName; invalid?: string }>,
	installer: Installer,
	needing?: string,
): string;

export class NotProvidedError extends Error {}

export function provide(names: RequirementName[], needing?: string): Promise<void>;

export function chromiumLaunch(): {
	executablePath: string;
	env: Record<string, string | undefined>;
};
export function postgresBinDir(): string;
export function redisServerPath(): string;
