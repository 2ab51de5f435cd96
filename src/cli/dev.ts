// `logicops dev`: the embedded default. Starts a local control plane and keeps it
// running until Ctrl-C, then stops everything. (The Azure emulator, the operator and
// the samples join this command as they land: see the README's status section.)
import { ControlPlane } from '../controlplane/control-plane.ts';

export async function runDev(): Promise<void> {
  const started = Date.now();
  console.log(
    'logicops dev: starting a local kube-apiserver + etcd (a first run builds them from Go modules)',
  );
  const plane = await ControlPlane.start({ onProgress: (line) => console.log(`  ${line}`) });
  console.log(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${plane.server}`);
  console.log('\nUse it with kubectl:');
  console.log(`  export KUBECONFIG=${plane.kubeconfigPath}`);
  console.log(`  ${plane.binaries.kubectl} get namespaces`);
  console.log('\nPress Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nstopping the control plane…');
  await plane.stop();
  console.log('stopped.');
}
