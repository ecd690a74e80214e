/** `base64(user:password)`, the value after `Basic ` (Bitbucket, Azure DevOps). */
export function basicAuthCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}
