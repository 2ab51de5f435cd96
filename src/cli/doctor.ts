// `logicops doctor`: reads the same flags and environment as `logicops run`, runs every check
// and prints a table (or JSON with --json). Exits 0 when no check failed, 1 otherwise; a bad flag
// or value is a configuration error (2), as for run.
import { KubeConfig } from '@kubernetes/client-node';
import { createCredential } from '../azure/credentials.ts';
import { loadConfig } from '../config.ts';
import { exitCodeOf, renderJson, renderTable } from '../doctor/report.ts';
import { runDoctor } from '../doctor/run-doctor.ts';

export async function runDoctorCommand(argv: string[], json: boolean): Promise<number> {
  // --json is the doctor's own flag; everything else is run's configuration.
  const config = loadConfig(argv.filter((arg) => arg !== '--json'));
  const kubeConfig = new KubeConfig();
  if (config.kubeconfig) kubeConfig.loadFromFile(config.kubeconfig);
  else kubeConfig.loadFromCluster();
  const credential = createCredential(config.azure.credential, { authorityHost: config.azure.authorityHost });
  const result = await runDoctor({ config, kubeConfig, credential });
  console.log(json ? renderJson(result) : renderTable(result));
  return exitCodeOf(result);
}
