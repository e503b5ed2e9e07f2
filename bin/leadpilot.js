#!/usr/bin/env -S node --max-semi-space-size=32
// Node flags: the list in src/cli/node-flags.ts (why there); `npm start` passes the same.
// The compiled CLI lives in dist/; `npm install` (prepare) and `npm start` build it.
import '../dist/src/cli/leadpilot.js';
