// Part of `npm run build`: `n8n-node build` compiles TypeScript and copies the icons, but not
// the codex files (`*.node.json`) from which n8n reads a node's categories and documentation links.
const { src, dest } = require('gulp');

function copyCodexFiles() {
	return src('nodes/**/*.node.json', { allowEmpty: false }).pipe(dest('dist/nodes'));
}

exports.default = copyCodexFiles;
