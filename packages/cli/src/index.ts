// The notiflux command as a function, for tests and embedding: run(argv) resolves with the exit code.
export {};
export const commandName = 'notiflux';
