// The operator's records (grant ledgers, vouched identities) for controllers a test wires by
// hand: an informer over the records namespace, selected to the test's namespaces, as
// src/operator.ts builds it. `default` stands in for the operator's namespace.
import { CONFIG_MAP_RESOURCE } from '../../../src/controllers/resource-kinds.ts';
import { OperatorRecords } from '../../../src/controllers/shared/records/operator-records.ts';
import {
  parseRecordConfigMap,
  type RecordConfigMap,
  recordSelector,
} from '../../../src/controllers/shared/records/record-configmap.ts';
import type { Logger } from '../../../src/observability/logger.ts';
import { Informer, type KubeClient } from '../../../src/runtime/index.ts';

export const TEST_RECORDS_NAMESPACE = 'default';

export function startRecords(kube: KubeClient, namespaces: string[], logger: Logger) {
  const informer = new Informer<RecordConfigMap>({
    client: kube,
    kind: CONFIG_MAP_RESOURCE,
    namespaces: [TEST_RECORDS_NAMESPACE],
    labelSelector: recordSelector(namespaces),
    logger,
    transform: parseRecordConfigMap,
  });
  const records = new OperatorRecords(informer, kube, TEST_RECORDS_NAMESPACE);
  informer.start();
  return { informer, records };
}
