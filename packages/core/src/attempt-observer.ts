/**
 * The caller's `onAttempt`, made harmless. An observer runs after the service answered: if its
 * throw failed the post, a delivered message would be retried and arrive twice. Its first
 * failure is reported through `process.emitWarning` (later ones would only repeat it); the post
 * goes on as if it had returned.
 */
export function guardObserver<Info>(
  observer: ((info: Info) => void) | undefined,
  name: string,
): ((info: Info) => void) | undefined {
  if (!observer) return undefined;
  let warned = false;
  return (info) => {
    try {
      observer(info);
    } catch (error) {
      if (warned) return;
      warned = true;
      const detail = error instanceof Error ? error.message : String(error);
      process.emitWarning(`notiflux: the ${name} observer threw (ignored from now on): ${detail}`, {
        code: 'NOTIFLUX_OBSERVER_THREW',
      });
    }
  };
}
