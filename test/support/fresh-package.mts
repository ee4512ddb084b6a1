// Runs before each test file of the unit tier. Its files share processes (vitest's `isolate:
// false`, so that n8n-core is imported once per process, not once per file), but not the
// package: each file loads dist/ anew, with pacers, a clock and every other module state of its
// own, as it did in a process of its own.
import { forgetPackage } from './harness.mjs';

forgetPackage();
