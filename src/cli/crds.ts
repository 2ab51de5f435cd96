// `logicops crds`: prints the CRDs as one YAML stream, for `logicops crds | kubectl apply -f -`.
import { allCrds } from '../crds/index.ts';
import { crdYaml } from '../crds/render.ts';

export function printCrds(): number {
  process.stdout.write(allCrds().map(crdYaml).join('---\n'));
  return 0;
}
