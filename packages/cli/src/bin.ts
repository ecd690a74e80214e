#!/usr/bin/env node
// The `notiflux` command (its commands are built in their own issue).
process.exitCode = 0;
