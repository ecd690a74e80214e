/**
 * The account a change-request-comment notifier writes as (its token's user), looked up once
 * per notifier: each notifier holds its own resolved spec object, which keys the entry, so the
 * name lives exactly as long as the notifier.
 */
const authors = new WeakMap<object, string>();

export function rememberedAuthor(spec: object): string | undefined {
  return authors.get(spec);
}

export function rememberAuthor(spec: object, author: string): void {
  authors.set(spec, author);
}
