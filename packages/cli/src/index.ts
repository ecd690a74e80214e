export const commandName = 'notiflux';
