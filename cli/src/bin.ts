#!/usr/bin/env -S npx tsx
import { main } from './main.js';

// Everything Shamba writes (SQLite files, the spool, credentials, models, uploaded scenes, the
// simulator's state) is the owner's alone: files 0600, directories 0700 (issue 13, case 20).
// The stores also set these modes themselves, for use as a library.
process.umask(0o077);
process.exitCode = await main(process.argv.slice(2), process.env);
