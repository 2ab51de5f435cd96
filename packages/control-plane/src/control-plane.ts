// A real kube-apiserver + etcd on loopback, envtest style: TLS on, RBAC on, an admin
// client certificate, a service-account signer. One per test run (shared by the
// integration files), or private for tests that restart it; also used by `npm run dev`.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { type ControlPlaneBinaries, resolveBinaries } from './binaries.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { ManagedProcess } from './managed-process.ts';
import { type ControlPlanePki, issueUser, writeControlPlanePki } from './pki.ts';
import { freePort } from './ports.ts';
import { startWatchdog } from './watchdog.ts';

const execFileAsync = promisify(execFile);

/** Every work dir starts with this, so CI can prove no process of ours outlived the run. */
export const WORK_DIR_PREFIX = 'logicops-cp-';

export interface ControlPlaneOptions {
  /** Write the API server's audit log (every request, metadata level) to `auditLogPath`. */
  audit?: boolean;
  startTimeoutMs?: number;
  onProgress?: (line: string) => void;
}

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
`;

export class ControlPlane {
  private apiServer: ManagedProcess | undefined;

  private constructor(
    readonly workDir: string,
    readonly binaries: ControlPlaneBinaries,
    private readonly pki: ControlPlanePki,
    private readonly etcd: ManagedProcess,
    private readonly etcdUrl: string,
    private readonly apiPort: number,
    private readonly options: ControlPlaneOptions,
    private readonly stopWatchdog: () => void,
  ) {}

  /** The admin kubeconfig (user `admin`, group `system:masters`). */
  get kubeconfigPath(): string {
    return path.join(this.workDir, 'kubeconfig');
  }

  get server(): string {
    return `https://127.0.0.1:${this.apiPort}`;
  }

  get auditLogPath(): string | undefined {
    return this.options.audit ? path.join(this.workDir, 'audit.log') : undefined;
  }

  static async start(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
    const progress = options.onProgress ?? (() => {});
    const binaries = await resolveBinaries(progress);
    const workDir = await mkdtemp(path.join(os.tmpdir(), WORK_DIR_PREFIX));
    const stopWatchdog = startWatchdog(workDir);
    try {
      const etcdPort = await freePort();
      const etcdUrl = `http://127.0.0.1:${etcdPort}`;
      const etcd = await startEtcd(binaries.etcd, workDir, etcdPort, options.startTimeoutMs ?? 30_000);
      const pki = await writeControlPlanePki(workDir);
      const plane = new ControlPlane(
        workDir,
        binaries,
        pki,
        etcd,
        etcdUrl,
        await freePort(),
        options,
        stopWatchdog,
      );
      await plane.startApiServer();
      await writeFile(plane.kubeconfigPath, await plane.kubeconfigFor('admin', ['system:masters']), {
        mode: 0o600,
      });
      await plane.waitForDefaultNamespace();
      progress(`control plane ready at ${plane.server}`);
      return plane;
    } catch (error) {
      await killPidFilesAndRemove(workDir);
      stopWatchdog();
      throw error;
    }
  }

  /** A kubeconfig for any user, authenticated by a client certificate (CN=name, O=groups). */
  async kubeconfigFor(user: string, groups: string[] = [], namespace?: string): Promise<string> {
    return renderKubeconfig(
      this.server,
      this.pki.servingCaPem,
      await issueUser(this.pki, user, groups),
      namespace,
    );
  }

  /** client-node's KubeConfig for the admin user. */
  adminKubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.kubeconfigPath);
    return kc;
  }

  async kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
    const child = execFileAsync(this.binaries.kubectl, ['--kubeconfig', this.kubeconfigPath, ...args], {
      maxBuffer: 32 * 1024 * 1024,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    return child;
  }

  /** Stops and starts kube-apiserver on the same port and etcd (for tests of watch and client recovery). */
  async restartApiServer(downtimeMs = 0): Promise<void> {
    await this.apiServer?.stop();
    if (downtimeMs > 0) await new Promise((r) => setTimeout(r, downtimeMs));
    await this.startApiServer();
  }

  async stop(): Promise<void> {
    await this.apiServer?.stop();
    await this.etcd.stop();
    await rm(this.workDir, { recursive: true, force: true });
    this.stopWatchdog();
  }

  private async startApiServer(): Promise<void> {
    const { files } = this.pki;
    const args = [
      `--etcd-servers=${this.etcdUrl}`,
      `--secure-port=${this.apiPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--cert-dir=${this.workDir}`,
      `--tls-cert-file=${files.servingCert}`,
      `--tls-private-key-file=${files.servingKey}`,
      `--client-ca-file=${files.clientCaCert}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      // No controller-manager runs, so no namespace ever gets a default ServiceAccount.
      '--disable-admission-plugins=ServiceAccount',
      `--service-account-issuer=${this.server}/`,
      `--service-account-key-file=${files.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${files.serviceAccountPrivateKey}`,
    ];
    if (this.options.audit) {
      const policy = path.join(this.workDir, 'audit-policy.yaml');
      await writeFile(policy, AUDIT_POLICY);
      args.push(
        `--audit-policy-file=${policy}`,
        `--audit-log-path=${this.auditLogPath}`,
        '--audit-log-format=json',
      );
    }
    const apiServer = new ManagedProcess('kube-apiserver', this.binaries.kubeApiserver, args, this.workDir);
    this.apiServer = apiServer;
    await apiServer.waitUntil(
      () => httpsStatusOk(`${this.server}/readyz`, this.pki.servingCaPem),
      this.options.startTimeoutMs ?? 90_000,
      'ready (/readyz)',
    );
  }

  private async waitForDefaultNamespace(): Promise<void> {
    // The API server creates `default` shortly after /readyz; envtest waits for it too.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const { stdout } = await this.kubectl(['get', 'namespace', 'default', '-o', 'name']).catch(() => ({
        stdout: '',
      }));
      if (stdout.trim() === 'namespace/default') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`namespace default did not appear within 20 s:\n${this.apiServer?.logTail()}`);
  }
}

async function startEtcd(
  binary: string,
  workDir: string,
  port: number,
  timeoutMs: number,
): Promise<ManagedProcess> {
  const url = `http://127.0.0.1:${port}`;
  const peerUrl = `http://127.0.0.1:${await freePort()}`;
  const etcd = new ManagedProcess(
    'etcd',
    binary,
    [
      `--data-dir=${path.join(workDir, 'etcd-data')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // Test data need not survive a power cut; fsync dominates etcd latency on small disks.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    workDir,
  );
  await etcd.waitUntil(
    async () => {
      const response = await fetch(`${url}/health`);
      return response.ok;
    },
    timeoutMs,
    'healthy (/health)',
  );
  return etcd;
}

function httpsStatusOk(url: string, caPem: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca: caPem, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function killPidFilesAndRemove(workDir: string): Promise<void> {
  for (const file of await readdir(workDir).catch(() => [] as string[])) {
    if (!file.endsWith('.pid')) continue;
    const pid = Number(await readFile(path.join(workDir, file), 'utf8'));
    if (pid > 0) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  await rm(workDir, { recursive: true, force: true });
}
