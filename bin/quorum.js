#!/usr/bin/env node
// The `quorum` command. The TypeScript sources are compiled to dist/ by `npm install` (the prepare script).
import '../dist/cli/index.js';
