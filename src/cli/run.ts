// `logicops run`: the operator. Exits 0 after a graceful shutdown on SIGTERM/SIGINT, 1 when
// it lost leadership or failed, 2 on a configuration error (with what to fix).
import { KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../config.ts';
import { createLogger } from '../observability/logger.ts';
import { createOperator } from '../operator.ts';
import { logUnhandledRejections } from '../runtime/process-guards.ts';

export async function runOperator(argv: string[]): Promise<number> {
  const config = loadConfig(argv);
  const logger = createLogger({ level: config.logLevel });
  logUnhandledRejections(logger);
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig) kubeConfig.loadFromFile(config.kubeconfig);
  else kubeConfig.loadFromCluster();

  const operator = await createOperator({ config, kubeConfig, logger });
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'Received a shutdown signal');
    void operator.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await operator.run();
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'Operator stopped with an error');
    await operator.stop().catch(() => undefined);
    return 1;
  }
}
