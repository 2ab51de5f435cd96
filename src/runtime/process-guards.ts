// Last line of defence for pitfall 6 (style-anchors §7): a promise rejection nobody awaited
// would otherwise kill the operator (Node's default). Our loops catch their own errors, so one
// reaching here is a bug: log it loudly and keep the controllers running. Wired by main (part 2).
import type { Logger } from '../observability/logger.ts';

export function logUnhandledRejections(logger: Logger): () => void {
  const onRejection = (reason: unknown) => {
    logger.error(
      { err: reason },
      'Unhandled promise rejection (a bug: every loop should catch its own errors)',
    );
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}
